"""``docket log``: the verifiable log's signing key and checkpoints, and the restrictions
served checked against the logged decisions (docs/verifiable-log.md)."""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from docket import store
from docket.cli_base import JsonOpt, emit, err, fail, require_schema, stage_progress, unit_of_work
from docket.settings import get_settings

log_app = typer.Typer(help="The verifiable log: signed checkpoints of a Merkle tree over the audit events.",
                      no_args_is_help=True)


def _key_file(as_json: bool) -> Path:
    path = get_settings().log_key_file
    if not path:
        raise fail("set DOCKET_LOG_KEY_FILE to the path of the log's signing key", 1, as_json)
    return Path(path)


@log_app.command("keygen")
def keygen(
    origin: Annotated[str | None, typer.Option(
        help="the log's name: the checkpoints' origin line and the key's name "
             "(default: DOCKET_BASE_URL's host and path, then /log)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a new Ed25519 signing key to DOCKET_LOG_KEY_FILE (never over one) and print its verifier key."""
    from docket.audit.log_service import default_origin
    from docket.log.note import NoteError, Signer

    path = _key_file(as_json)
    if origin is None:
        origin = default_origin(get_settings().base_url)
    try:
        signer = Signer.generate(origin)
    except NoteError as exc:
        raise fail(str(exc), 1, as_json) from None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise fail(f"{path} exists: a log keeps its key (witnesses hold its verifier key)", 1, as_json) from None
    except OSError as exc:
        raise fail(f"cannot write {path}: {exc.strerror}", 1, as_json) from None
    with os.fdopen(fd, "w") as out:
        out.write(signer.key + "\n")
    if not as_json:  # plain lines: rich would wrap the key
        sys.stdout.write(f"wrote the signing key for {origin} to {path}; its verifier key, to publish:\n"
                         f"{signer.verifier.key}\n")
        return
    emit(as_json, {"key_file": str(path), "origin": origin, "verifier_key": signer.verifier.key})


@log_app.command("checkpoint")
def checkpoint(as_json: JsonOpt = False) -> None:
    """Seal the audit events not yet in the log, sign a checkpoint if it grew, print the latest (the signed note)."""
    from docket.audit.sealer import SealError, seal, sign_checkpoint
    from docket.log.note import NoteError, Signer

    path = _key_file(as_json)
    try:
        signer = Signer.parse(path.read_text())
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror} (docket log keygen writes it)", 1, as_json) from None
    except NoteError as exc:
        raise fail(f"{path}: {exc}", 1, as_json) from None
    try:
        while True:  # a transaction per batch: a long backlog is sealed in steps
            with unit_of_work(as_json) as session:
                if seal(session=session).added == 0:
                    break
        with unit_of_work(as_json) as session:
            signed = sign_checkpoint(session=session, signer=signer)
    except SealError as exc:
        raise fail(str(exc), 1, as_json) from None
    if not as_json:  # the note byte for byte (rich would wrap its long signature line)
        sys.stdout.write(signed.note)
        return
    emit(as_json, {"origin": signed.checkpoint.origin, "size": signed.checkpoint.size,
                   "root": base64.b64encode(signed.checkpoint.root).decode(), "new": signed.new,
                   "checkpoint": signed.note})


@log_app.command("verify")
def verify(
    checkpoint: Annotated[list[Path] | None, typer.Option(
        help="a signed checkpoint kept outside the database, to hold the log to (repeat)")] = None,
    verifier_key: Annotated[str | None, typer.Option(
        help="the log's verifier key (default: DOCKET_LOG_KEY_FILE's)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Recompute the log from the events and check it, and every checkpoint, against them; exit 1 if any differs."""
    from docket.audit.log_check import check_log
    from docket.log.checkpoint import CheckpointError, open_checkpoint
    from docket.log.note import NoteError, Signer, Verifier

    held = []
    if checkpoint:
        try:
            if verifier_key is not None:
                verifier = Verifier.parse(verifier_key)
            else:
                verifier = Signer.parse(_key_file(as_json).read_text()).verifier
            for path in checkpoint:
                held.append(open_checkpoint(path.read_bytes(), verifier))
        except (NoteError, CheckpointError) as exc:
            raise fail(str(exc), 1, as_json) from None
        except OSError as exc:
            raise fail(f"cannot read {exc.filename}: {exc.strerror}", 1, as_json) from None
    with unit_of_work(as_json) as session:
        result = check_log(session=session, held=held)
    data = {"ok": result.ok, "leaves": result.size, "checkpoints_held": len(held), "problem": result.problem}
    if result.ok:
        emit(as_json, data, f"log intact: {result.size} leaves, {len(held)} checkpoints held outside agree")
        return
    emit(as_json, data)
    if not as_json:
        err.print(f"[red]log broken:[/red] {result.problem}")
    raise typer.Exit(1)


def _where(scope: list[str]) -> str:
    return "everywhere" if scope == ["*"] else ", ".join(scope) or "—"


@log_app.command("check-restrictions")
def check_restrictions(as_json: JsonOpt = False) -> None:
    """Check the restrictions served against the logged decisions, reversals and expiries; exit 1 on a difference."""
    from docket.enforcement import restrictions_check as checks

    settings = get_settings()
    engine = store.make_engine(settings.database_url)
    try:
        require_schema(engine, settings)
        # One read-only snapshot: a decision and its restriction are seen together, and
        # the check holds no write lock however long the log.
        with stage_progress(as_json) as progress, store.read_snapshot(engine) as conn:
            result = checks.check_restrictions(conn=conn, now=store.utcnow(), progress=progress)
    finally:
        engine.dispose()
    served = f"the snapshot serves {result.served['snapshot']}, the feed {result.served['feed']}"
    if result.ok:
        emit(as_json, result.as_dict(), f"restrictions agree with the log: {result.in_force} in force "
                                        f"({served}; {result.events} events read)")
        return
    # Five columns, so that a terminal of 80 keeps each subject on one line; --json has every field.
    table = Table("subject", "difference", "served in", "logged in", "detail (where seen)")
    table.columns[0].no_wrap = True
    for d in result.differences:
        table.add_row(d.subject, checks.LABELS[d.kind], _where(d.served), _where(d.logged),
                      f"{d.detail} ({', '.join(d.sources)})")
    emit(as_json, result.as_dict(), table)
    if not as_json:
        err.print(f"[red]{len(result.differences)} differences[/red] between the restrictions served and the "
                  f"log ({result.in_force} in force in the log; {served})")
    raise typer.Exit(1)

@log_app.command("witness")
def witness(
    url: Annotated[str, typer.Argument(
        help="the log's API base, e.g. https://docket.example.org/api/v1/log")],
    state: Annotated[Path, typer.Option(help="the directory that keeps the checkpoints accepted and the pinned key")],
    verifier_key: Annotated[str | None, typer.Option(
        help="the log's verifier key (default: the one pinned in --state, or on the first run the log's own)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check the log's latest checkpoint against the last one kept in --state, then keep it (exit 3-8).

    Exit statuses: docs/verifiable-log.md, "Witnesses"."""
    from docket.audit.witness import WitnessError
    from docket.audit.witness import witness as run

    try:
        seen = run(url, state, verifier_key)
    except WitnessError as exc:
        emit(as_json, {"ok": False, "outcome": exc.outcome.name, "error": exc.message, "url": url})
        if not as_json:
            err.print(f"[red]docket:[/red] {exc.outcome.name.replace('_', ' ')}: {exc.message}", soft_wrap=True)
        raise typer.Exit(int(exc.outcome)) from None
    held = "nothing held before" if seen.held is None else f"{seen.held.size} leaves held before"
    words = {"first": "first checkpoint kept", "new": "consistent, kept", "same": "unchanged"}
    emit(as_json, {**seen.as_dict(), "url": url},
         f"{url}: {seen.checkpoint.size} leaves, {words[seen.status]} ({held})")

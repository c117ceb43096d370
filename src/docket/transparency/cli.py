"""``docket export``: DSA statements of reasons, DSA Art. 15 tables and Lumen notices.

Each command writes files (``--out DIR``); ``dsa`` and ``lumen`` can instead send to the
outside database (``--submit URL --token-file FILE``), resumably (see submit.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from docket import cli_base as base
from docket.errors import DocketError, Unprocessable

# Each command imports what it needs when it runs: `docket --help`, and the worker, do not
# load the whole application (twice the start-up time).
export_app = typer.Typer(help="Exports: DSA statements of reasons, DSA Art. 15 tables, Lumen notices.",
                         no_args_is_help=True)
report_app = typer.Typer(help="Transparency reports.", invoke_without_command=True)
transparency_app = typer.Typer(help="The public transparency site's stored reports.", no_args_is_help=True)

PeriodOpt = Annotated[str | None, typer.Option(help="2026, 2026-H1, 2026-Q3 or 2026-11")]
FromOpt = Annotated[str | None, typer.Option("--from", help="YYYY-MM-DD, the first day")]
ToOpt = Annotated[str | None, typer.Option("--to", help="YYYY-MM-DD, the last day (included)")]
OutOpt = Annotated[str | None, typer.Option("--out", help="the directory to write into")]
SubmitOpt = Annotated[str | None, typer.Option("--submit", help="the URL to send to instead of writing files")]
TokenOpt = Annotated[str | None, typer.Option("--token-file", help="a file holding the target's API token")]
AttemptsOpt = Annotated[int, typer.Option(min=1, max=50, help="tries per send (429, 5xx, broken connection)")]
BackoffOpt = Annotated[float, typer.Option(min=0.0, max=600.0, help="the first wait in seconds; doubled per retry")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON object (and no progress bar)")]


@contextmanager
def _engine(as_json: bool) -> Iterator[tuple[Any, Any]]:
    """The database (schema checked) and settings; domain errors become one line, exit 1."""
    from docket import store
    from docket.settings import get_settings
    from docket.transparency.submit import SendFailed

    settings = get_settings()
    engine = store.make_engine(settings.database_url)
    try:
        base.require_schema(engine, settings)
        yield store.make_sessionmaker(engine), settings
    except DocketError as exc:
        fields = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors or [])
        raise base.fail(exc.detail + (f" ({fields})" if fields else ""), 1, as_json) from None
    except SendFailed as exc:
        raise base.fail(str(exc), 1, as_json) from None
    finally:
        engine.dispose()


def _period(period: str | None, start: str | None, to: str | None, *, required: bool) -> Any:
    from docket.transparency.periods import resolve

    if not (period or start or to) and not required:
        return None
    return resolve(period=period, start=start, to=to)


def _mode(out: str | None, submit: str | None, token_file: str | None) -> str | None:
    """The token when sending; None when writing files. Exactly one of the two."""
    if (out is None) == (submit is None):
        raise Unprocessable("give either --out DIR or --submit URL (with --token-file FILE)")
    if submit is None:
        if token_file:
            raise Unprocessable("--token-file goes with --submit")
        return None
    if not submit.startswith(("http://", "https://")):
        raise Unprocessable(f"--submit needs an http(s) URL, not {submit!r}")
    if not token_file:
        raise Unprocessable("--submit needs --token-file FILE (the target's API token)")
    try:
        token = Path(token_file).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise Unprocessable(f"cannot read the token file {token_file}: {exc.strerror}") from None
    if not token or len(token.splitlines()) != 1:
        raise Unprocessable(f"the token file {token_file} must hold one token on one line")
    return token


@contextmanager
def _progress(as_json: bool, label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr for a terminal; nothing for --json or a pipe."""
    if as_json or not sys.stderr.isatty() or total == 0:
        yield lambda n: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=base.err, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def _begin(factory: Any, settings: Any, reader: Any, *, pinned: bool) -> dict[str, Any] | None:
    """Start ``reader``'s transaction: pinned to the log's checkpoint (files: what they hold
    is the state of the log at its size, which a file beside them states), or a plain read
    (sending, resumable over many transactions, is tied to no one size)."""
    from docket import store
    from docket.transparency import checkpoints

    if not pinned:
        store.begin_readonly(reader)
        return None
    point = checkpoints.pin(factory=factory, reader=reader, signer=checkpoints.signer_of(settings))
    return point.as_dict()


LOG_FILE = "log-checkpoint.json"


def _write_log(folder: Path, log: dict[str, Any]) -> Path:
    """The checkpoint of the log an export was computed over, beside its files (the
    receivers' formats have no room for it)."""
    from docket.transparency.exports import write_json

    return write_json(folder / LOG_FILE, {"log": log})


def _interrupted(as_json: bool, what: str) -> typer.Exit:
    return base.fail(f"interrupted; {what} Run the same command again to resume.", 130, as_json)


# ---------------------------------------------------------------- the report
@report_app.callback()
def report(
    period: PeriodOpt = None, start: FromOpt = None, to: ToOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="csv (a directory of files) | json | html")] = "json",
    out: Annotated[str | None, typer.Option(
        "--out", help="file (json, html) or directory (csv); without it, --json prints the report")] = None,
    at: Annotated[int | None, typer.Option(
        "--at", min=0, help="the log's tree size: the report again, from the events 1..SIZE alone")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the transparency report for a period, computed over a checkpoint of the log.

    Without --at: the log is sealed (and a checkpoint signed, with DOCKET_LOG_KEY_FILE) and
    the figures are those of the tables at its size, which the report states. With --at
    SIZE: the same figures again, rebuilt from the events 1..SIZE (see docs/verifiable-log.md)."""
    from docket import store
    from docket.audit.sealer import tree_size
    from docket.transparency import aggregates, checkpoints, render, replay

    with _engine(as_json) as (factory, settings):
        if fmt not in ("csv", "json", "html"):
            raise Unprocessable(f"unknown format {fmt!r} (csv, json or html)")
        if out is None and not as_json:
            raise Unprocessable("say where to write the report with --out PATH (or print it with --json)")
        chosen = _period(period, start, to, required=True)
        with store.transaction(factory) as reader:
            if at is None:
                point = checkpoints.pin(factory=factory, reader=reader, signer=checkpoints.signer_of(settings))
                data = aggregates.report(session=reader, period=chosen, now=store.utcnow())
            else:
                store.begin_snapshot(reader)
                sealed = tree_size(session=reader)
                if at > sealed:
                    raise replay.NotReplayable(f"the log has {sealed} sealed events, not {at}: a report is computed "
                                               "over a size the log was sealed to (docket log checkpoint seals it)")
                point = checkpoints.at_size(session=reader, size=at)
                with _progress(as_json, f"replaying the log to {at}", at) as advance:
                    data = replay.report_at(session=reader, size=at, period=chosen, now=store.utcnow(),
                                            progress=advance)
        data["log"] = point.as_dict()
    if out is None:
        base.emit(True, data)
        return
    written = render.write(data, fmt, Path(out))
    totals = data["totals"]
    base.emit(as_json, {"period": data["period"], "format": fmt, "files": [str(p) for p in written],
                         "requests": totals["requests"], "items": totals["items"], "log": data["log"]},
              f"{chosen.label}: {totals['requests']} requests, {totals['items']} items → {out} "
              f"(over the log at size {point.size}{', signed' if point.checkpoint else ', not signed'}; "
              f"docket report --at {point.size} gives it again)")


@transparency_app.command("refresh")
def transparency_refresh(as_json: JsonOpt = False) -> None:
    """Store the published periods' reports now, as the worker's rounds do.

    Each published period not yet stored is stored, and each stored one that new events
    may have changed is computed again (marked revised when its figures changed); every
    period due, not four a round. For a cron job where no worker runs."""
    from docket import store
    from docket.transparency import checkpoints, snapshots

    with _engine(as_json) as (factory, settings):
        done: dict[str, str] = {}
        while True:
            round_ = snapshots.refresh(factory=factory, signer=checkpoints.signer_of(settings), now=store.utcnow)
            done.update(round_.done)
            if not round_.more:
                break
    base.emit(as_json, {"periods": done},
              "; ".join(f"{label} {what}" for label, what in sorted(done.items())) or "nothing to store")


# ---------------------------------------------------------------- dsa
@export_app.command("dsa")
def export_dsa(
    period: PeriodOpt = None, start: FromOpt = None, to: ToOpt = None, out: OutOpt = None,
    submit: SubmitOpt = None, token_file: TokenOpt = None,
    puid_prefix: Annotated[str, typer.Option(
        help="starts every puid (<prefix>-decision-<id>); keep it the same on every run")] = "docket",
    attempts: AttemptsOpt = 8, backoff: BackoffOpt = 1.0, as_json: JsonOpt = False,
) -> None:
    """DSA statements of reasons, as batch files or sent to the Transparency Database.

    By the day the decision took effect (all time without a period): batches of at most
    100 as JSON files, or sent to the batch endpoint URL (…/api/v1/statements) with
    retries; accepted puids are recorded and never sent twice."""
    import re

    from docket import store
    from docket.transparency import dsa
    from docket.transparency.exports import batches, write_json
    from docket.transparency.submit import Retry, checked, submit_dsa

    with _engine(as_json) as (factory, settings):
        chosen = _period(period, start, to, required=False)
        token = _mode(out, submit, token_file)
        if not re.fullmatch(r"[a-zA-Z0-9_-]{1,100}", puid_prefix):
            raise Unprocessable("--puid-prefix takes letters, digits, '-' and '_' only")
        with store.transaction(factory) as reader:
            log = _begin(factory, settings, reader, pinned=token is None)
            selection = dsa.select_statements(session=reader, period=chosen)
            label = chosen.label if chosen else "all time"
            summary: dict[str, Any] = {"export": "dsa", "period": label, "statements": selection.total,
                                       "deferred_by_gag_order": selection.held}
            if token is None:
                folder = Path(out or ".")
                files = []
                with _progress(as_json, "writing statements", selection.total) as advance:
                    stream = checked(dsa.statements(session=reader, period=chosen, prefix=puid_prefix))
                    for number, batch in enumerate(batches(stream, dsa.BATCH), start=1):
                        files.append(write_json(folder / f"dsa-statements-{number:05d}.json", {"statements": batch}))
                        advance(len(batch))
                _clear_stale(folder, "dsa-statements-", len(files))
                assert log is not None
                summary["files"] = [str(p) for p in files]
                summary.update(log=log, log_file=str(_write_log(folder, log)))
                base.emit(as_json, summary, f"{label}: {selection.total} statements in {len(files)} batch files "
                                             f"→ {folder} ({selection.held} deferred by a gag order)")
                return
        try:
            with _progress(as_json, "sending statements", selection.total) as advance:
                done = submit_dsa(factory=factory, url=submit or "", token=token, period=chosen, prefix=puid_prefix,
                                  retry=Retry(attempts=attempts, backoff=backoff), progress=advance)
        except KeyboardInterrupt:
            raise _interrupted(as_json, "statements accepted so far are recorded.") from None
        summary.update(target=submit, sent=done.sent, skipped_already_accepted=done.skipped,
                       found_already_there=len(done.already_there), http_requests=done.requests,
                       retries=done.retries)
        base.emit(as_json, summary, f"{label}: sent {done.sent} statements to {submit}; {done.skipped} were "
                                     f"accepted before; {done.retries} retries")


def _clear_stale(folder: Path, prefix: str, written: int) -> None:
    """Remove batch files of an earlier, longer run (numbered past what this run wrote)."""
    for old in folder.glob(f"{prefix}*.json"):
        number = old.stem.removeprefix(prefix)
        if number.isdigit() and int(number) > written:
            old.unlink()


# ---------------------------------------------------------------- lumen
@export_app.command("lumen")
def export_lumen(
    period: PeriodOpt = None, start: FromOpt = None, to: ToOpt = None, out: OutOpt = None,
    submit: SubmitOpt = None, token_file: TokenOpt = None,
    attempts: AttemptsOpt = 8, backoff: BackoffOpt = 1.0, as_json: JsonOpt = False,
) -> None:
    """Lumen notices of government and court requests, as files or sent to Lumen.

    One per decided request of a government, regulator, police or court, by the day it
    was received (all time without a period): JSON files, or sent to Lumen's …/notices
    with retries; accepted notices are recorded and never sent twice. The letters, orders,
    court decisions and translations go with them as files, except those marked as
    holding personal data, whose redacted copies go instead (docket.transparency.lumen)."""
    from docket import store
    from docket.documents.storage import Blobs
    from docket.transparency import lumen
    from docket.transparency.exports import write_json
    from docket.transparency.submit import Retry, submit_lumen

    with _engine(as_json) as (factory, settings):
        chosen = _period(period, start, to, required=False)
        token = _mode(out, submit, token_file)
        with store.transaction(factory) as reader:
            log = _begin(factory, settings, reader, pinned=token is None)
            selection = lumen.select_notices(session=reader, period=chosen)
            label = chosen.label if chosen else "all time"
            summary: dict[str, Any] = {"export": "lumen", "period": label, "notices": selection.total,
                                       "undecided": selection.undecided, "confidential": selection.confidential}
            if token is None:
                folder = Path(out or ".")
                files = []
                with _progress(as_json, "writing notices", selection.total) as advance:
                    for key, body in lumen.notices(session=reader, platform=settings.platform_name,
                                                   blobs=Blobs.of(settings), period=chosen):
                        files.append(write_json(folder / f"lumen-{key}.json", body))
                        advance(1)
                assert log is not None
                summary["files"] = [str(p) for p in files]
                summary.update(log=log, log_file=str(_write_log(folder, log)))
                base.emit(as_json, summary, f"{label}: {len(files)} Lumen notices → {folder} "
                                             f"({selection.undecided} undecided, {selection.confidential} "
                                             "confidential, not published)")
                return
        try:
            with _progress(as_json, "sending notices", selection.total) as advance:
                done = submit_lumen(factory=factory, url=submit or "", token=token, period=chosen,
                                    platform=settings.platform_name, blobs=Blobs.of(settings),
                                    retry=Retry(attempts=attempts, backoff=backoff), progress=advance)
        except KeyboardInterrupt:
            raise _interrupted(as_json, "notices accepted so far are recorded.") from None
        summary.update(target=submit, sent=done.sent, skipped_already_accepted=done.skipped,
                       http_requests=done.requests, retries=done.retries)
        base.emit(as_json, summary, f"{label}: sent {done.sent} notices to {submit}; {done.skipped} were "
                                     f"accepted before; {done.retries} retries")


# ---------------------------------------------------------------- art15
@export_app.command("art15")
def export_art15(
    period: PeriodOpt = None, start: FromOpt = None, to: ToOpt = None, out: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """DSA Art. 15 tables for a period, as CSV files.

    Orders from member-state authorities (those naming content, and those about user data),
    notices, complaints (appeals) and reversals."""
    from docket import store
    from docket.transparency import art15

    with _engine(as_json) as (factory, settings):
        chosen = _period(period, start, to, required=True)
        if out is None:
            raise Unprocessable("say where to write the tables with --out DIR")
        with store.transaction(factory) as reader:
            log = _begin(factory, settings, reader, pinned=True)
            data = art15.tables(session=reader, period=chosen)
        assert log is not None
        written = art15.write(data, Path(out))
        log_file = _write_log(Path(out), log)
    rows = {name: len(r) for name, (_, r) in data.items()}
    base.emit(as_json, {"export": "art15", "period": chosen.label, "files": [str(p) for p in written],
                         "rows": rows, "log": log, "log_file": str(log_file)},
               f"{chosen.label}: DSA Art. 15 tables → {out} ("
               + ", ".join(f"{name.removeprefix('art15-').removesuffix('.csv')}: {n} rows" for name, n in rows.items())
               + ")")

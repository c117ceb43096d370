"""``docket backup`` and ``docket restore`` (the work is in docket.ops)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from docket import cli_base as base
from docket import ops
from docket.settings import get_settings

JsonOpt = base.JsonOpt


def backup(
    file: Annotated[Path, typer.Argument(help="the backup file to write")],
    force: Annotated[bool, typer.Option("--force", help="overwrite FILE if it exists")] = False,
    pg_dump: Annotated[bool, typer.Option(
        "--pg-dump", help="PostgreSQL: run pg_dump (otherwise docket prints the commands)"),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Back the database up to FILE while docket keeps serving, then check the copy
    (integrity and the whole audit chain). PostgreSQL: pg_dump."""
    with base.stage_progress(as_json) as progress, _refusals(as_json):
        result = ops.backup(database_url=get_settings().database_url, target=file, force=force,
                            pg_dump=pg_dump, progress=progress)
    data = result.as_dict()
    size = f"{result.bytes / 1e6:.1f} MB" + (f", {result.pages} pages" if result.pages else "")
    base.emit(as_json, data, f"backup written to {result.path}: {size}, {result.events} events "
               f"(audit head {result.audit_head['hash'][:12]}), {result.seconds} s")
    if not result.ok:
        _broken(as_json, "the backup was written but its checks failed", result.integrity,
                data["audit"])


def restore(
    file: Annotated[Path, typer.Argument(help="a backup made by docket backup")],
    no_keep: Annotated[bool, typer.Option(
        "--no-keep", help="do not keep the database it replaces as <db>.before-restore-<time>"),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Replace the database with a backup, once the backup's integrity, schema version and
    audit chain check out; stop docket serve and its workers first. PostgreSQL: pg_restore."""
    with base.stage_progress(as_json) as progress, _refusals(as_json):
        result = ops.restore(database_url=get_settings().database_url, source=file,
                             keep=not no_keep, progress=progress)
    data = result.as_dict()
    upgraded = (f", schema {result.from_revision} → {result.to_revision}"
                if result.from_revision != result.to_revision else "")
    kept = f"; the previous database is kept as {result.kept}" if result.kept else ""
    verified = f"\naudit chain intact: {result.events} events" if result.ok else ""
    base.emit(as_json, data,
               f"restored {result.source} into {result.path}{upgraded}{kept}{verified}")
    if not result.ok:
        _broken(as_json, "the restored database's audit chain does not verify", "ok", data["audit"])


def _broken(as_json: bool, what: str, integrity: str, audit: dict[str, Any]) -> None:
    if not as_json:
        problems = [f"integrity: {integrity}"] if integrity != "ok" else []
        if not audit["ok"]:
            problems.append(f"audit chain broken at event {audit['bad_event']}: {audit['problem']}")
        base.err.print(f"[red]docket:[/red] {what}: " + "; ".join(problems))
    raise typer.Exit(1)


@contextmanager
def _refusals(as_json: bool) -> Iterator[None]:
    """A refusal becomes one line (and the commands to run instead, if any), exit 1."""
    try:
        yield
    except ops.Refused as exc:
        if as_json:
            sys.stdout.write(orjson.dumps({"error": exc.message, **exc.details}).decode() + "\n")
        else:
            base.err.print(f"[red]docket:[/red] {exc.message}", soft_wrap=True)
            for line in exc.details.get("commands", []):
                base.err.print(f"  {line}", soft_wrap=True, markup=False, highlight=False)
        raise typer.Exit(1) from None
    except OSError as exc:  # a full disk, a directory it may not write to
        raise base.fail(str(exc), 1, as_json) from None

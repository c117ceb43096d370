"""What every ``docket`` command shares: its output (``--json`` or rich), its errors, and
its unit of work. Apart from :mod:`docket.cli`, which imports each domain's commands, so
that those commands can use these without importing it back."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import orjson
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table
from sqlalchemy.orm import Session

from docket import schema, store
from docket.errors import DocketError, field_errors
from docket.settings import Settings, get_settings

console = Console()
err = Console(stderr=True)


def _flags_take_no_value() -> None:
    """Show flags (``--json``, ``--demo``, ``--help``) as flags in ``--help``: Typer 0.29's
    help names every option's type, a flag's as ``<bool>``, as if it took a value."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich
    if getattr(shown, "docket_flags", False):
        return

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    display_type_rich.docket_flags = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_take_no_value()
JsonOpt = Annotated[bool, typer.Option("--json", help="print one JSON object")]


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def emit(as_json: bool, data: dict[str, Any], human: str | Table | None = None) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps(data, default=str).decode() + "\n")
    elif human is not None:
        console.print(human)


def fail(message: str, code: int = 1, as_json: bool = False) -> typer.Exit:
    if as_json:
        sys.stdout.write(orjson.dumps({"error": message}).decode() + "\n")
    else:
        err.print(f"[red]docket:[/red] {message}")
    return typer.Exit(code)


@contextmanager
def unit_of_work(as_json: bool = False, *, upgrade: bool = False) -> Iterator[Session]:
    """A unit of work for one command; domain errors become one clear line and exit 1."""
    settings = get_settings()
    engine = store.make_engine(settings.database_url)
    try:
        if upgrade:
            schema.upgrade(engine)
        else:
            require_schema(engine, settings)
        with store.transaction(store.make_sessionmaker(engine)) as session:
            yield session
    except DocketError as exc:
        fields = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors or [])
        raise fail(exc.detail + (f" ({fields})" if fields else ""), 1, as_json) from None
    except ValidationError as exc:  # an option the API's schema refuses, named as the API does
        fields = "; ".join(f"{e['field']}: {e['message']}" for e in field_errors(exc.errors()))
        raise fail(f"some options are invalid ({fields})", 1, as_json) from None
    finally:
        engine.dispose()


def require_schema(engine: Any, settings: Settings) -> None:
    current = store.current_revision(engine)
    if current != store.head_revision(engine):
        if settings.is_sqlite:
            schema.upgrade(engine)  # the embedded default keeps itself up to date
            return
        raise fail(
            f"the database schema is at {current or 'nothing'}, not the latest; "
            "run 'docket db upgrade' first"
        )


@contextmanager
def stage_progress(as_json: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """Rich progress bars on stderr, one per stage, for a terminal; none for --json or a
    pipe. Report with ``progress(stage, done, total)``."""
    if as_json or not sys.stderr.isatty():
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield report

"""Only the store knows which database docket runs on: no module outside it (and outside
the migrations and the entry points, which run beside it) tests the dialect, reaches a
model's table behind the store's back, writes SQL for the driver, or opens a session of its
own (sessions come from the store's units of work). Drivers are kept out
by lint-imports' "drivers" contract (pyproject.toml)."""

from __future__ import annotations

import re
from pathlib import Path

import docket

ROOT = Path(docket.__file__).parent
# The store itself, the migrations and the entry points (app, command line, operations).
OUTSIDE = ("store/", "migrations/", "ops/", "app.py", "cli.py", "cli_base.py", "__main__.py")
FORBIDDEN = {
    "tests the dialect": re.compile(r"dialect\.name"),
    "reaches a model's table": re.compile(r"__table__|\btable_of\("),
    "writes SQL for the driver": re.compile(r"exec_driver_sql|driver_connection"),
    "writes raw SQL": re.compile(r"(?<![\w.])(?<!def )text\("),
    # Sessions come from the store's units of work (store.transaction, store.read_only,
    # store.own_connection) or the API's per-call session (docket.deps.get_db).
    "opens a session itself": re.compile(r"\b(sessionmaker|factory)\((bind=[^)]*)?\)"),
}
# Partial indexes' predicates are part of the schema a model declares.
MODELS_MAY = {"writes raw SQL"}


def _findings(name: str, source: str) -> list[str]:
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        for what, pattern in FORBIDDEN.items():
            if name.endswith("models.py") and what in MODELS_MAY:
                continue
            if pattern.search(line):
                found.append(f"{name}:{number} {what}: {line.strip()}")
    return found


def test_domain_modules_leave_the_database_to_the_store() -> None:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if not name.startswith(OUTSIDE):
            found += _findings(name, path.read_text(encoding="utf-8"))
    assert found == []


def test_the_check_sees_each_thing_it_forbids() -> None:
    lines = ['if session.get_bind().dialect.name == "postgresql":', "t = Item.__table__",
             "t = table_of(Item)", "connection.exec_driver_sql(sql)", 'session.execute(text("SELECT 1"))',
             "with request.app.state.sessionmaker() as db:", "with self.factory(bind=connection) as s:"]
    assert len(_findings("intake/service.py", "\n".join(lines))) == len(lines)
    assert _findings("intake/models.py", "Index('x', sqlite_where=text('a'))") == []
    assert _findings("intake/service.py", "self.text(x); gettext('x')") == []
    assert _findings("transparency/labels.py", "    def text(self, key: str) -> str:") == []
    assert _findings("intake/service.py", "with read_only(factory) as s: make_sessionmaker(engine)") == []

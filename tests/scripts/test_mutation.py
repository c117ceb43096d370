"""scripts/mutation.py: the mutants it makes of module-level tables, and its sample."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "mutation.py"


@pytest.fixture(scope="module")
def mutation():
    spec = importlib.util.spec_from_file_location("mutation_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation_script"] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules["mutation_script"]


def _table(code: str, name: str) -> object:
    tree = ast.parse(code)
    for statement in tree.body:
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            target = statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
            if isinstance(target, ast.Name) and target.id == name:
                return ast.literal_eval(statement.value) if not isinstance(
                    statement.value, ast.Call) else ast.literal_eval(statement.value.args[0])
    raise AssertionError(name)


def test_each_table_entry_is_dropped_once(mutation, tmp_path, monkeypatch):
    source = tmp_path / "tables.py"
    source.write_text(
        "LIMIT = 12\n"
        "ROUTES = {'a': 1, 'b': 2}\n"
        "OPEN = frozenset({'x', 'y', 'z'})\n"
        "KEPT = frozenset({'p',  # pragma: no mutate (p is equivalent)\n"
        "                  'q'})\n"
        "def f():\n    return {'inside': 1}\n"
    )
    monkeypatch.setattr(mutation, "ROOT", tmp_path)

    mutants = mutation._table_mutants("tables.py")

    names = [name.split(": ", 1)[1] for name, _, _ in mutants]
    assert names == ["LIMIT+1", "ROUTES without 'a'", "ROUTES without 'b'", "OPEN without 'x'",
                     "OPEN without 'y'", "OPEN without 'z'", "KEPT without 'q'"]
    by_name = {name.split(": ", 1)[1]: (line, code) for name, line, code in mutants}
    assert _table(by_name["LIMIT+1"][1], "LIMIT") == 13
    assert _table(by_name["ROUTES without 'b'"][1], "ROUTES") == {"a": 1}
    assert _table(by_name["OPEN without 'y'"][1], "OPEN") == {"x", "z"}
    assert _table(by_name["KEPT without 'q'"][1], "KEPT") == {"p"}
    assert by_name["KEPT without 'q'"][0] == 5
    assert all(_table(code, "ROUTES") == {"a": 1, "b": 2}
               for name, (_, code) in by_name.items() if not name.startswith("ROUTES"))


def test_the_core_modules_tables_get_mutants(mutation):
    states = [name for name, _, _ in mutation._table_mutants("src/docket/items/states.py")]

    assert any("OPEN_STATES without S.awaiting_approval" in name for name in states)
    assert any("TRANSITIONS without (S.awaiting_approval, 'approve')" in name for name in states)


def test_a_sample_depends_only_on_seed_and_module(mutation):
    every = [f"m{i}" for i in range(100)]

    first = mutation.choose(every, sample=10, seed=23, module="clock")

    assert first == mutation.choose(list(every), sample=10, seed=23, module="clock")
    assert len(set(first)) == 10 and set(first) <= set(every)
    assert first != mutation.choose(every, sample=10, seed=24, module="clock")
    assert first != mutation.choose(every, sample=10, seed=23, module="states")
    assert mutation.choose(every, sample=None, seed=23, module="clock") is every
    assert mutation.choose(every, sample=500, seed=23, module="clock") is every


def test_a_survivor_is_located_on_the_line_it_changes(mutation):
    diff = ('-        return ClockRule(default_hours, "default", None, False, _restarts(cited))\n'
            '+        return ClockRule(default_hours, "default", None, True, _restarts(cited))')

    location = mutation._location("src/docket/intake/clock.py", diff)

    path, line = location.rsplit(":", 1)
    lines = (mutation.ROOT / path).read_text().splitlines()
    assert "return ClockRule(default_hours, \"default\"" in lines[int(line) - 1]

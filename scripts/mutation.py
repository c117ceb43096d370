"""Mutation testing of docket's core modules with mutmut: the score per module.

Each module in MODULES is mutated on its own, in a scratch copy of the tree under
.mutation/NAME (mutmut works in a `mutants/` folder beside the sources), and each mutant
runs only the tests mapped to its module, and of those only the ones that reach the
mutated function (mutmut records which tests call which function first). Tests run on
SQLite, one process per mutant, stopping at the first failure; with --pg-url, the mutants
SQLite's tests left alive run again with the tests on PostgreSQL (code only PostgreSQL
runs is tested only there).

    python scripts/mutation.py                        # every module, every mutant
    python scripts/mutation.py --module clock -m states
    python scripts/mutation.py --sample 6 --min-score 15    # what CI runs
    python scripts/mutation.py --json > mutation.json
    python scripts/mutation.py -m audit --pg-url postgresql+psycopg://postgres@localhost/postgres

A mutant that no test can tell from the original (an equivalent mutant) is marked in the
source with `# pragma: no mutate` and a comment saying why; see docs/development.md.
"""

from __future__ import annotations

import argparse
import ast
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"

# Module → (the file to mutate, the tests that guard it). Test entries are paths or globs
# relative to the repository; mutmut then runs, per mutant, only those that reach the
# mutated function.
MODULES: dict[str, tuple[str, list[str]]] = {
    "index": ("src/docket/enforcement/index.py", [
        "tests/enforcement/test_index*.py", "tests/enforcement/test_api*.py", "tests/client",
    ]),
    "clock": ("src/docket/intake/clock.py", [
        "tests/intake/test_clock*.py", "tests/intake/test_clarification.py",
    ]),
    "completeness": ("src/docket/intake/completeness.py", [
        "tests/intake/test_completeness*.py", "tests/intake/test_submission.py",
        "tests/intake/test_clarification.py", "tests/intake/test_user_reports.py",
    ]),
    "states": ("src/docket/items/states.py", [
        "tests/items", "tests/review/test_service*.py", "tests/review/test_api*.py",
        "tests/appeals/test_api.py",
    ]),
    "access": ("src/docket/access.py", [
        "tests/test_access.py", "tests/authorization", "tests/appeals/test_api.py",
        "tests/intake/test_reading.py",
    ]),
    "auth": ("src/docket/parties/auth.py", [
        "tests/parties/test_auth*.py", "tests/parties/test_cli.py",
        "tests/web/test_pages.py", "tests/web/test_throttle.py", "tests/web/test_sessions*.py",
        # the submitter a token confirms: its kind and e-mail decide what intake asks for
        "tests/intake/test_completeness_table.py", "tests/intake/test_submission.py",
    ]),
    "sessions": ("src/docket/web/sessions.py", [
        "tests/web/test_pages.py", "tests/web/test_throttle.py", "tests/web/test_sessions*.py",
        "tests/intake/test_pages.py",
    ]),
    "audit": ("src/docket/audit/service.py", ["tests/audit"]),
    # the restricted bank: a copy's match says where the original's restriction applies
    "bank": ("src/docket/matching/bank.py", ["tests/matching/test_bank*.py"]),
}

PYTEST_ARGS = ["-p", "no:xdist", "-p", "no:randomly", "-p", "no:cacheprovider", "-x", "-q",
               "-m", "not slow and not browser", "--timeout=120", "-p", "mutation_profile"]

# Loaded into every test run (-p mutation_profile): Hypothesis draws the same examples for
# every mutant (a mutant is killed by the tests, not by luck) and its health checks, which
# time input generation, stay quiet under mutmut's tracing and a busy machine.
PROFILE = """\
from hypothesis import HealthCheck, settings

settings.register_profile("mutation", derandomize=True, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
settings.load_profile("mutation")
"""

# mutmut's exit codes per mutant (mutmut/stats.py), folded into what the table counts.
KILLED = {1, 3, 37}
SURVIVED = {0}
NO_TESTS = {5, 33}
TIMEOUT = {24, -24, 36, 152, 255}


@dataclass
class Survivor:
    name: str
    status: str  # "survived" | "no tests" | "suspicious"
    location: str  # path:line of the first changed line
    diff: str


@dataclass
class Result:
    module: str
    path: str
    mutants: int
    killed: int = 0
    survived: int = 0
    timed_out: int = 0
    no_tests: int = 0
    other: int = 0
    seconds: float = 0.0
    sampled_from: int = 0
    survivors: list[Survivor] = field(default_factory=list)

    @property
    def score(self) -> float:
        """Share of mutants the tests detected (killed or timed out), in percent."""
        return 100.0 * (self.killed + self.timed_out) / self.mutants if self.mutants else 100.0


def _tests(patterns: list[str]) -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        found += sorted(glob.glob(pattern, root_dir=ROOT)) if any(c in pattern for c in "*?[") \
            else ([pattern] if (ROOT / pattern).exists() else [])
    if not found:
        raise SystemExit(f"no tests match {patterns}")
    return found


def _prepare(name: str, folder: str | None = None) -> tuple[Path, list[str]]:
    """A scratch copy of the tree for one module, with mutmut configured for it."""
    source, patterns = MODULES[name]
    work = WORK / (folder or name)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    shutil.copytree(ROOT / "src", work / "src", ignore=skip)
    shutil.copytree(ROOT / "tests", work / "tests", ignore=skip)
    tests = _tests(patterns)
    config = (ROOT / "pyproject.toml").read_text()
    config += (
        "\n[tool.mutmut]\n"
        'source_paths = ["src/"]\n'
        f"only_mutate = {json.dumps([source])}\n"
        f"pytest_add_cli_args = {json.dumps(PYTEST_ARGS)}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
        "use_git_change_detection = false\n"
        'also_copy = ["mutation_profile.py"]\n'
    )
    (work / "pyproject.toml").write_text(config)
    (work / "mutation_profile.py").write_text(PROFILE)
    return work, tests


def _mutant_names(source: str) -> list[str]:
    """Every mutant mutmut makes of one file, by mutmut's name for it."""
    from mutmut.__main__ import get_mutant_name
    from mutmut.mutation.file_mutation import mutate_file_contents

    code = (ROOT / source).read_text()
    mutated = mutate_file_contents(source, code, None, None)
    return [get_mutant_name(Path(source), n) for n in mutated.mutant_names]


# mutmut mutates function bodies only. A module's tables (the state machine, open states,
# role permissions, limits) are data at module level, so they get mutants of their own:
# each entry of a dict or set literal dropped in turn, each integer constant plus one.
TABLE_PREFIX = "table:"


def _table_mutants(source: str) -> list[tuple[str, int, str]]:
    """(name, line, mutated module source) for each mutant of the module-level tables."""
    text = (ROOT / source).read_text()
    tree = ast.parse(text)
    nodes = list(ast.walk(tree))  # a copy walks in the same order: a node by its position
    sites: list[tuple[str, int, int | None]] = []  # label, node position, entry (None: +1)
    for statement in tree.body:
        if not isinstance(statement, ast.Assign | ast.AnnAssign) or statement.value is None:
            continue
        target = statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
        if not isinstance(target, ast.Name):
            continue
        value = statement.value
        if isinstance(value, ast.Constant) and type(value.value) is int:
            sites.append((f"{target.id}+1", nodes.index(value), None))
        for node in ast.walk(value):
            if isinstance(node, ast.Dict | ast.Set):
                entries = node.keys if isinstance(node, ast.Dict) else node.elts
                for i, entry in enumerate(entries):
                    label = ast.unparse(entry) if entry is not None else "**"
                    sites.append((f"{target.id} without {label}", nodes.index(node), i))
    lines = text.splitlines()
    mutants = []
    for index, (label, position, entry_at) in enumerate(sites):
        copy = ast.parse(text)
        twin = list(ast.walk(copy))[position]
        if isinstance(twin, ast.Constant) and isinstance(twin.value, int):
            line = twin.lineno
            twin.value += 1
        elif isinstance(twin, ast.Dict) and entry_at is not None:
            line = twin.values[entry_at].lineno
            del twin.keys[entry_at], twin.values[entry_at]
        elif isinstance(twin, ast.Set) and entry_at is not None:
            line = twin.elts[entry_at].lineno
            del twin.elts[entry_at]
        if "pragma: no mutate" in lines[line - 1]:  # an equivalent mutant, marked as mutmut's
            continue
        mutants.append((f"{TABLE_PREFIX}{index}: {label}", line, ast.unparse(copy)))
    return mutants


def _run_table_mutant(work: Path, source: str, code: str, tests: list[str],
                      env: dict[str, str]) -> int:
    """Run the module's tests against one table mutant; pytest's exit code."""
    target = work / source
    original = target.read_text()
    target.write_text(code)
    try:
        proc = subprocess.run([sys.executable, "-m", "pytest", *PYTEST_ARGS, *tests], cwd=work,
                              env=env | {"PYTHONPATH": str(work / "src")},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
        return proc.returncode
    except subprocess.TimeoutExpired:
        return 36
    finally:
        target.write_text(original)


def _exit_codes(work: Path, source: str) -> dict[str, int | None]:
    meta = work / "mutants" / (source + ".meta")
    try:
        return dict(json.loads(meta.read_text())["exit_code_by_key"])
    except (OSError, ValueError, KeyError):
        return {}


def _location(source: str, diff: str) -> str:
    """path:line of the first line a mutant removes, found in the original file."""
    removed = [ln[1:].strip() for ln in diff.splitlines()
               if ln.startswith("-") and not ln.startswith("---")]
    lines = (ROOT / source).read_text().splitlines()
    for want in removed:
        for number, line in enumerate(lines, 1):
            if want and line.strip() == want:
                return f"{source}:{number}"
    return source


def _diffs(work: Path, names: list[str], source: str) -> dict[str, str]:
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    here = os.getcwd()
    os.chdir(work)
    try:
        out = {}
        for name in names:
            try:
                diff = get_diff_for_mutant(name, path=source)
            except Exception as error:  # a diff is a convenience; the name still identifies it
                diff = f"(no diff: {error})"
            # Only the changed lines: the hunk header and context repeat the whole function.
            out[name] = "\n".join(ln for ln in diff.splitlines()[2:]
                                  if ln.startswith(("-", "+")))
        return out
    finally:
        os.chdir(here)


def choose(every: list[str], *, sample: int | None, seed: int, module: str) -> list[str]:
    """The mutants to run: all of them, or a sample that depends only on its arguments."""
    if sample is None or sample >= len(every):
        return every
    return sorted(random.Random(f"{seed}:{module}").sample(every, sample))


def run_module(name: str, *, sample: int | None, seed: int, progress: Progress,
               pg_url: str | None = None) -> Result:
    source, _ = MODULES[name]
    work, tests = _prepare(name)
    tables = {n: (line, code) for n, line, code in _table_mutants(source)}
    every = _mutant_names(source) + list(tables)
    chosen = choose(every, sample=sample, seed=seed, module=name)
    by_mutmut = [n for n in chosen if n not in tables]
    result = Result(module=name, path=source, mutants=len(chosen), sampled_from=len(every))

    env = {k: v for k, v in os.environ.items() if k != "DOCKET_TEST_DATABASE_URL"}  # SQLite
    env["PYTHONHASHSEED"] = "0"
    task = progress.add_task(f"{name}: collecting tests", total=len(chosen))
    started = time.monotonic()
    codes: dict[str, int | None] = {}
    if by_mutmut:
        codes = _run_mutmut(name, work, source, by_mutmut, every_one=chosen is every, env=env,
                            progress=progress, task=task)
    for done, mutant in enumerate((n for n in chosen if n in tables), len(by_mutmut)):
        progress.update(task, completed=done, description=f"{name}: tables")
        code = _run_table_mutant(work, source, tables[mutant][1], tests, env)
        if code == 4:  # pytest's usage error: the command is wrong, not the mutant
            raise SystemExit(f"pytest refused its arguments for {name}: {PYTEST_ARGS + tests}")
        codes[mutant] = 1 if code == 2 else code  # 2: the mutant broke collection (an import)
    if pg_url:  # what SQLite's run left alive, run again with the tests on PostgreSQL
        alive = [m for m in chosen if codes[m] in SURVIVED]
        codes |= _on_postgresql(name, source, alive, tables, pg_url, env, progress, task)
    result.seconds = round(time.monotonic() - started, 1)
    progress.update(task, completed=len(chosen), description=f"{name}: done")

    lost: list[tuple[str, str]] = []
    for mutant in chosen:
        exit_code = codes[mutant]
        if exit_code in KILLED:
            result.killed += 1
        elif exit_code in TIMEOUT:
            result.timed_out += 1
        elif exit_code in SURVIVED:
            result.survived += 1
            lost.append((mutant, "survived"))
        elif exit_code in NO_TESTS:
            result.no_tests += 1
            lost.append((mutant, "no tests"))
        else:
            result.other += 1
            lost.append((mutant, f"exit {exit_code}"))
    diffs = _diffs(work, [m for m, _ in lost if m not in tables], source)
    for mutant, status in lost:
        if mutant in tables:
            location = f"{source}:{tables[mutant][0]}"
            diff = mutant.split(": ", 1)[1]
        else:
            location, diff = _location(source, diffs[mutant]), diffs[mutant]
        result.survivors.append(Survivor(mutant, status, location, diff))
    return result


def _on_postgresql(name: str, source: str, alive: list[str], tables: dict[str, tuple[int, str]],
                   pg_url: str, env: dict[str, str], progress: Progress, task: TaskID,
                   ) -> dict[str, int | None]:
    """Exit codes of the mutants in ``alive`` with the tests on PostgreSQL.

    Code that only PostgreSQL runs (the audit log's function-call and COPY appends, say)
    is reached by the tests only there; a mutant either engine's tests kill is killed."""
    if not alive:
        return {}
    progress.update(task, description=f"{name}: survivors on PostgreSQL")
    work, tests = _prepare(name, f"{name}-postgresql")
    env = env | {"DOCKET_TEST_DATABASE_URL": pg_url}
    by_mutmut = [n for n in alive if n not in tables]
    codes: dict[str, int | None] = {}
    if by_mutmut:
        codes = _run_mutmut(name, work, source, by_mutmut, every_one=False, env=env,
                            progress=progress, task=task)
    for mutant in (n for n in alive if n in tables):
        code = _run_table_mutant(work, source, tables[mutant][1], tests, env)
        codes[mutant] = 1 if code == 2 else code
    # mutmut's results list every mutant of the file, the ones it did not run as None.
    return {mutant: codes[mutant] for mutant in alive}


def _run_mutmut(name: str, work: Path, source: str, chosen: list[str], *, every_one: bool,
                env: dict[str, str], progress: Progress, task: TaskID,
                ) -> dict[str, int | None]:
    """Run mutmut on the chosen mutants (all of them if every_one); their exit codes."""
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", "1"]
    if not every_one:
        command += chosen
    log = (work / "mutmut.log").open("w")
    proc = subprocess.Popen(command, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)

    def watch() -> None:
        while proc.poll() is None:
            codes = _exit_codes(work, source)
            done = sum(1 for n in chosen if codes.get(n) is not None)
            label = f"{name}: mutants" if done else f"{name}: collecting tests"
            progress.update(task, completed=done, description=label)
            time.sleep(1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    proc.wait()
    watcher.join()
    log.close()
    codes = _exit_codes(work, source)
    missing = [n for n in chosen if codes.get(n) is None]
    if proc.returncode != 0 or missing:
        tail = (work / "mutmut.log").read_text()[-3000:]
        raise SystemExit(f"mutmut failed on {name} (exit {proc.returncode}, "
                         f"{len(missing)} mutants unchecked):\n{tail}")
    return codes


def _print(results: list[Result], console: Console) -> None:
    table = Table(title="Mutation score per module")
    for column in ("module", "mutants", "killed", "survived", "no tests", "timed out",
                   "score %", "seconds"):
        table.add_column(column, justify="left" if column == "module" else "right")
    for r in results:
        mutants = f"{r.mutants}" + (f" of {r.sampled_from}" if r.mutants < r.sampled_from else "")
        table.add_row(r.module, mutants, str(r.killed), str(r.survived + r.other),
                      str(r.no_tests), str(r.timed_out), f"{r.score:.1f}", f"{r.seconds:.0f}")
    console.print(table)
    for r in results:
        if not r.survivors:
            continue
        console.print(f"\n[bold]{r.module}[/bold]: {len(r.survivors)} not killed")
        for s in r.survivors:
            console.print(f"  {s.location}  [dim]{s.name} ({s.status})[/dim]",
                          highlight=False, markup=True)
            for line in s.diff.splitlines():
                console.print(f"      {line}", highlight=False, markup=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-m", "--module", action="append", choices=sorted(MODULES),
                        help="a module to mutate (repeatable; default: all)")
    parser.add_argument("--sample", type=int, metavar="N",
                        help="a seeded random sample of N mutants per module instead of all")
    parser.add_argument("--seed", type=int, default=23, help="the sample's seed (default 23)")
    parser.add_argument("--min-score", type=float, metavar="P",
                        help="exit 1 if any module's score is below P percent")
    parser.add_argument("--pg-url", default=os.environ.get("DOCKET_MUTATION_PG_URL"),
                        help="also run what survives SQLite's tests against PostgreSQL's, on a "
                             "server the tests may create databases on (default: "
                             "$DOCKET_MUTATION_PG_URL; none: SQLite only)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--save", type=Path, metavar="FILE", help="also write the JSON to FILE")
    args = parser.parse_args(argv)

    try:
        import mutmut  # noqa: F401
    except ImportError:
        raise SystemExit("mutmut is not installed: pip install -e '.[test]'") from None

    console = Console(stderr=args.json, width=None if sys.stdout.isatty() else 150)
    results: list[Result] = []
    with Progress("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=args.json) as progress:
        for name in args.module or list(MODULES):
            results.append(run_module(name, sample=args.sample, seed=args.seed,
                                      progress=progress, pg_url=args.pg_url))
    data = json.dumps([asdict(r) | {"score": round(r.score, 1)} for r in results], indent=2)
    if args.save:
        args.save.write_text(data + "\n")
    if args.json:
        print(data)
    else:
        _print(results, console)
    if args.min_score is not None:
        low = [r for r in results if r.score < args.min_score]
        for r in low:
            console.print(f"[red]{r.module}: {r.score:.1f}% is below {args.min_score:g}%[/red]")
        if low:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

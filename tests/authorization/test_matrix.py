"""The authorization matrix: every route of the application × every kind of caller × records
of different submitters in different jurisdictions (tests/authorization/routes.py says who
may do what). Outside a caller's reach the answer is a 404, never a 403, a 409 or a
partial record; a refused call changes nothing (the audit log does not move); a list
holds only records within reach."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, _IncludedRouter
from fastapi.testclient import TestClient
from starlette.routing import Route as StarletteRoute

from tests.authorization import world as world_module
from tests.authorization.routes import API, PAGES, Route, reaches
from tests.authorization.world import CALLERS, Record, World

TABLE = {**API, **PAGES}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def app_routes(app: Any) -> set[str]:
    """Every method and path the application answers, from its route table."""
    found: set[str] = set()

    def add(path: str, route: Any) -> None:
        for method in sorted(getattr(route, "methods", None) or ()):
            if method != "HEAD":
                found.add(f"{method} {path}")

    for route in app.routes:
        if isinstance(route, _IncludedRouter):
            for context in route.effective_route_contexts():
                add(context.path, context.original_route)
        elif isinstance(route, APIRoute | StarletteRoute):
            add(route.path, route)
    return found


def test_every_route_is_in_the_table(app: Any) -> None:
    routes = app_routes(app)
    assert routes, "no routes found: the enumeration is broken"
    assert sorted(routes - TABLE.keys()) == [], "routes nobody classified: add them to routes.py"
    assert sorted(TABLE.keys() - routes) == [], "rows for routes that no longer exist"


@dataclass
class Cell:
    route: str
    caller: str
    record: Record | None
    status: int
    wanted: str
    problem: str

    def __str__(self) -> str:
        return (f"{self.route:55} {self.caller:15} {str(self.record or '-'):32} got {self.status}, "
                f"want {self.wanted}: {self.problem}")


def _expected(route: Route, caller: str, record: Record | None) -> str:
    if caller not in route.who:
        return "signed out" if caller == "none" else "forbidden"
    if record is not None and not reaches(caller, record, route.reach):
        return "not found"
    return "allowed"


def _call(world: World, key: str, route: Route, caller: str, record: Record | None) -> Any:
    method, template = key.split(" ", 1)
    # Every placeholder names the record, but a page number (a document's first page).
    path = _PLACEHOLDER.sub(lambda m: "1" if m.group(1) == "page" else str(record.id) if record is not None
                            else m.group(0), template)
    who = world.callers[caller]
    query = route.query(world) if callable(route.query) else route.query
    if key in PAGES:
        if method == "GET":
            return world.page(caller, "GET", path, params=query)
        data = route.form(world, record) if route.form else {}
        if route.fresh:  # a fresh browser: its CSRF token comes with its first page
            jar = world.client.get("/sign-in")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', jar.text).group(1)  # type: ignore[union-attr]
            response = world.client.post(path, data={**data, "csrf_token": csrf}, follow_redirects=False)
            world.client.cookies = httpx.Cookies()
            return response
        files = route.files(world, record) if route.files else None
        return world.page(caller, "POST", path, data={**data, "csrf_token": who.csrf}, files=files)
    kwargs: dict[str, Any] = {"params": query}
    if route.body is not None:
        kwargs["json"] = route.body(world, record)
    if route.files is not None:  # a multipart body: its files and its other fields
        kwargs["files"] = route.files(world, record)
        kwargs["data"] = route.form(world, record) if route.form else {}
    return world.client.request(method, path, headers=who.headers, **kwargs)


def _judge(key: str, route: Route, response: Any, wanted: str) -> str:
    """What is wrong with ``response`` (empty when nothing is)."""
    status, page = response.status_code, key in PAGES
    if status >= 500:
        return "a server error"
    if wanted == "allowed" and route.ok is not None:
        return "" if status in route.ok else "not the route's answer to an allowed caller"
    to_sign_in = status == 303 and response.headers.get("location", "").startswith("/sign-in")
    if wanted == "signed out":
        return "" if (to_sign_in if page else status == 401) else "not refused as signed out"
    if wanted == "forbidden":
        return "" if status == 403 and _problem(response, page) == "forbidden" else "not refused as forbidden"
    if wanted == "not found":
        return "" if status == 404 else "a record outside reach was not a 404"
    # A caller within reach may still lack the role for one step on one record (a legal
    # finding, the local representative's sign-off): a 403 of its own problem type.
    if status in (401, 404) or to_sign_in or (status == 403 and _problem(response, page) != "role-required"):
        return "an allowed caller was refused"
    return ""


def _problem(response: Any, page: bool) -> str:
    """The problem type of an error answer: the API's ``type``, a page's ``data-problem``
    (a console page shown again with a service's refusal beside a form has none)."""
    if page:
        found = re.search(r'data-problem="([^"]+)"', response.text)
        return found.group(1) if found else "role-required"
    return str(response.json().get("type", "")).rsplit("/", 1)[-1]


def _records(world: World, route: Route) -> list[Record | None]:
    if route.record is None:
        return [None]
    found = world.records[route.record]
    assert found, f"the world has no {route.record}"
    return list(found)


def _check_list(world: World, key: str, route: Route, caller: str, response: Any) -> str:
    """A list route answered: every record in it is within the caller's reach, and for
    lists of every record of a kind (requests), every record within reach is there."""
    assert route.lists is not None and route.ids is not None
    answer = response.text if key in PAGES else response.json()
    shown = route.ids(answer)
    known = {int(r.id): r for r in world.records[route.lists]}
    leaked = sorted(i for i in shown if i in known and not reaches(caller, known[i], route.reach))
    if leaked:
        return f"lists records outside reach: {[str(known[i]) for i in leaked]}"
    if route.lists == "request":
        missing = sorted(i for i, r in known.items() if reaches(caller, r, route.reach) and i not in shown)
        if missing:
            return f"misses records within reach: {[str(known[i]) for i in missing]}"
    return ""


def run_matrix(world: World) -> tuple[int, list[Cell]]:
    """Call every cell of the table, refusals first (they must change nothing), then the
    allowed calls; return the number of cells and the failures."""
    cells, failures = 0, []
    for key, route in TABLE.items():
        callers = ("none",) if route.fresh else CALLERS
        plan = [(caller, record, _expected(route, caller, record))
                for caller in callers for record in _records(world, route)]
        plan.sort(key=lambda cell: cell[2] == "allowed")
        for caller, record, wanted in plan:
            cells += 1
            before = world.audit_seq() if wanted != "allowed" else None
            response = _call(world, key, route, caller, record)
            problem = _judge(key, route, response, wanted)
            if not problem and before is not None and world.audit_seq() != before:
                problem = "a refused call changed something (the audit log moved)"
            if not problem and wanted == "allowed" and route.lists and response.status_code == 200:
                problem = _check_list(world, key, route, caller, response)
            if problem:
                failures.append(Cell(key, caller, record, response.status_code, wanted, problem))
    return cells, failures


@pytest.mark.slow
def test_no_caller_reaches_beyond_its_reach(client: TestClient, sessions: Any) -> None:
    world = world_module.build(client, sessions)
    cells, failures = run_matrix(world)
    records = sum(len(v) for v in world.records.values())
    print(f"\nauthorization matrix: {len(TABLE)} routes x {len(CALLERS)} callers x {records} records "
          f"in the world = {cells} calls; {len(failures)} failed")
    assert not failures, "\n" + "\n".join(str(f) for f in failures)

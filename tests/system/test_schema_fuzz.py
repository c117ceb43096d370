"""Schemathesis over the whole OpenAPI document, in process, once with an admin's token and
once with a government submitter's: no server errors, no answer outside its declared
status codes and schema. Bounded and seeded, so that a run is short and repeatable."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.slow

# Bounds, so that a run stays well under two minutes per engine on CI's two cores:
# examples per operation, caller and mode (valid input, then invalid), and at most
# COVERAGE of Schemathesis's boundary cases per operation (2147483647, 2147483648, 0, -1,
# too long, wrong types, ...), sampled evenly from all of them.
EXAMPLES = int(os.environ.get("DOCKET_FUZZ_EXAMPLES", "5"))
COVERAGE = int(os.environ.get("DOCKET_FUZZ_COVERAGE", "30"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def _without_lifespan(app: Any) -> Any:
    """``app`` for Schemathesis, which would start the app's lifespan (the feed follower,
    the jobs) a second time: the test's client has started it already."""

    async def asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})

    return asgi


def test_no_operation_answers_outside_its_schema(client, app, admin_ada, kz_ministry) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", _without_lifespan(app))
    operations = [result.ok() for result in schema.get_all_operations()]
    cases: Counter[str] = Counter()
    failures: dict[tuple[str, str], str] = {}
    callers = (("admin", admin_ada.headers), ("government", kz_ministry.headers))
    for operation in operations:
        # The boundaries, with the token that reaches the most code.
        for case in _sampled(_boundaries(schema, operation), COVERAGE):
            _check(case, "admin", admin_ada.headers, cases, failures, kind="coverage")
        for who, headers in callers:
            for mode in (schemathesis.GenerationMode.POSITIVE,
                         schemathesis.GenerationMode.NEGATIVE):
                _fuzz(operation, mode, who, headers, cases, failures)
    total = sum(cases.values())
    print(f"\nschemathesis: {len(operations)} operations, {total} cases "
          f"({dict(sorted(cases.items()))}), {len(failures)} failing")
    assert total > 0
    assert not failures, "\n\n".join(f"{op} ({who}):\n{text}"
                                     for (op, who), text in sorted(failures.items()))


def _boundaries(schema: Any, operation: Any) -> list[Any]:
    return list(schema.iter_coverage_cases(
        operation, generation_config=schema.config.generation_for(operation=operation,
                                                                  phase="coverage"),
        generation_modes=[schemathesis.GenerationMode.POSITIVE,
                          schemathesis.GenerationMode.NEGATIVE]))


def _sampled(items: list[Any], at_most: int) -> list[Any]:
    if len(items) <= at_most:
        return items
    return [items[round(n * (len(items) - 1) / (at_most - 1))] for n in range(at_most)]


def _check(case: Any, who: str, headers: dict[str, str], cases: Counter[str],
           failures: dict[tuple[str, str], str], *, kind: str) -> None:
    """Send ``case`` with the caller's token (unless the case is about the Authorization
    header itself) and hold the answer to the document."""
    positive = case.meta is None or case.meta.generation.mode.name == "POSITIVE"
    sent = {**headers, **(case.headers or {})} if positive else headers
    response = case.call(headers=sent)
    cases[kind] += 1
    try:
        case.validate_response(response, checks=CHECKS, headers=sent)
    except (FailureGroup, AssertionError) as exc:
        failures.setdefault((case.operation.label, who), f"{exc}")


def _fuzz(operation: Any, mode: Any, who: str, headers: dict[str, str],
          cases: Counter[str], failures: dict[tuple[str, str], str]) -> None:
    strategy = operation.as_strategy(generation_mode=mode)

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate],
              verbosity=hypothesis.Verbosity.quiet)
    @given(case=strategy)
    def run(case: Any) -> None:
        _check(case, who, headers, cases, failures, kind=mode.name.lower())

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        if mode.name == "POSITIVE":
            raise
        # nothing about the operation can be invalid (no parameters, no body)

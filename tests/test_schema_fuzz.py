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

# Examples per operation, per caller and per mode (valid input, then invalid): 52 operations
# x 2 callers x (POSITIVE + NEGATIVE) stays well under two minutes on either engine.
EXAMPLES = int(os.environ.get("DOCKET_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def _without_lifespan(app: Any) -> Any:
    """``app`` for Schemathesis, which would start the app's lifespan (the feed follower,
    the jobs) a second time: the test's client has started it already."""

    async def asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return
        while (message := await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})

    return asgi


def test_no_operation_answers_outside_its_schema(client, app, admin_ada, kz_ministry) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", _without_lifespan(app))
    operations = [result.ok() for result in schema.get_all_operations()]
    cases: Counter[str] = Counter()
    failures: dict[tuple[str, str], str] = {}
    for who, headers in (("admin", admin_ada.headers), ("government", kz_ministry.headers)):
        for operation in operations:
            for mode in (schemathesis.GenerationMode.POSITIVE,
                         schemathesis.GenerationMode.NEGATIVE):
                _fuzz(operation, mode, who, headers, cases, failures)
    total = sum(cases.values())
    print(f"\nschemathesis: {len(operations)} operations, {total} cases "
          f"({dict(sorted(cases.items()))}), {len(failures)} failing")
    assert total > 0
    assert not failures, "\n\n".join(f"{op} ({who}):\n{text}"
                                     for (op, who), text in sorted(failures.items()))


def _fuzz(operation: Any, mode: Any, who: str, headers: dict[str, str],
          cases: Counter[str], failures: dict[tuple[str, str], str]) -> None:
    strategy = operation.as_strategy(generation_mode=mode)

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate],
              verbosity=hypothesis.Verbosity.quiet)
    @given(case=strategy)
    def run(case: Any) -> None:
        # The caller's token, unless the case is about the Authorization header itself.
        sent = {**headers, **(case.headers or {})} if mode.name == "POSITIVE" else headers
        response = case.call(headers=sent)
        cases[mode.name.lower()] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=sent)
        except FailureGroup as exc:
            failures.setdefault((operation.label, who), f"{exc}")
        except AssertionError as exc:
            failures.setdefault((operation.label, who), f"{exc}")

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        if mode.name == "POSITIVE":
            raise
        # nothing about the operation can be invalid (no parameters, no body)

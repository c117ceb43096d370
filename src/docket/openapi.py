"""The OpenAPI document says what docket really answers: every error as RFC 9457
``application/problem+json`` (docket.errors.Problem), not FastAPI's default validation
body, which docket never sends."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from docket.errors import PROBLEM_JSON, Problem

# What any API call may answer besides its own results (docs/api.md, Errors).
ERRORS = {
    "401": "no token, an unknown or a revoked one",
    "403": "the caller's role lacks the permission",
    "404": "nothing there, or not the caller's (an id out of range in the path included)",
    "409": "the state does not allow it",
    "413": "the body is over DOCKET_MAX_BODY_BYTES",
    "422": "invalid input; `errors` names each field",
    "429": "over the rate limit; see Retry-After",
    "503": "the database connection was lost; retry after Retry-After (a write: with its "
           "Idempotency-Key)",
}
_REF = {"$ref": "#/components/schemas/Problem"}


def install(app: FastAPI) -> None:
    """Generate ``app``'s OpenAPI document with docket's error responses, once."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes)
            app.openapi_schema = with_problems(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def with_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with every operation's error responses as problem documents."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update({name: definition for name, definition in Problem.model_json_schema(
        ref_template="#/components/schemas/{model}").pop("$defs", {}).items()})
    components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components["Problem"].pop("$defs", None)
    for path, operations in schema.get("paths", {}).items():
        # Pages answer errors with an HTML page (docket.errors._page), except what the
        # middlewares refuse before any route runs (errors.BodyLimit: 413, 422).
        content: dict[str, Any] = {PROBLEM_JSON: {"schema": _REF}}
        if not path.startswith(("/api/", "/healthz")):
            content = {"text/html": {"schema": {"type": "string"}}, **content}
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                given = responses.get(status, {})
                responses[status] = {"description": given.get("description", description),
                                     "content": content}
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    return schema

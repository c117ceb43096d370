"""The OpenAPI document says what docket really answers: every error as RFC 9457
``application/problem+json`` (docket.errors.Problem), not FastAPI's default validation
body, which docket never sends; who may call without a token (the bearer scheme comes
from docket.parties.auth.BEARER); and its tags, one per domain in the order a request
moves through docket (TAGS). tests/test_openapi.py holds every route, schema, field and
parameter to a description and an example."""

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

# The tags, in the flow's order: a request comes in, is reviewed, enforced, notified,
# appealed, audited and counted; then what the flow stands on. A route's tag must be one
# of these (tests/test_openapi.py).
TAGS = [
    {"name": "intake", "description": "Requests to restrict content from governments, courts, "
     "regulators and trusted flaggers: submit one (idempotently), follow it, answer a "
     "clarification. Guide: docs/guide-government.md."},
    {"name": "reports", "description": "Reports from users and trusted flaggers about single "
     "items, one or in batches; designations of trusted flaggers; suspending abusive reporters."},
    {"name": "documents", "description": "The documents behind a request (orders, letters): "
     "upload, read, confirm what was extracted; the inbox of documents sent without a request."},
    {"name": "review", "description": "The global review: the queue, claiming an item, "
     "legal and rights findings, decisions and their sign-off."},
    {"name": "enforcement", "description": "What a decision does on the platform: the "
     "visibility check per viewer country, the restriction feed and its snapshot (for a "
     "replica). Guide: docs/guide-platform.md."},
    {"name": "notices", "description": "Telling people: webhook endpoints, notices on hold, "
     "the outbox of letters and webhooks."},
    {"name": "appeals", "description": "Appeals against decisions, by the author or the "
     "requester, and their decision."},
    {"name": "receipts", "description": "Signed receipts for a request, a decision or an "
     "appeal: proof of what docket recorded, checkable against the verifiable log."},
    {"name": "audit", "description": "The audit trail: every state change, who made it and "
     "when. Guide: docs/guide-auditor.md."},
    {"name": "log", "description": "The verifiable log: signed checkpoints, inclusion and "
     "consistency proofs, the leaves themselves; public (docs/verifiable-log.md)."},
    {"name": "transparency", "description": "Public transparency reports over published "
     "periods."},
    {"name": "catalog", "description": "Reference data: jurisdictions, laws, reasons and "
     "requester kinds."},
    {"name": "parties", "description": "Who calls: the caller itself, submitters, API tokens."},
    {"name": "content", "description": "The platform's content registry: what an item "
     "refers to, registered by the platform."},
    {"name": "operations", "description": "Running docket: liveness and metrics."},
]


def install(app: FastAPI) -> None:
    """Generate ``app``'s OpenAPI document with docket's error responses, once."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes, tags=TAGS)
            app.openapi_schema = with_optional_bearer(with_problems(schema))
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


def with_optional_bearer(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` where a route that takes a token but needs none (auth.BEARER_OPTIONAL)
    says so: the bearer scheme, or nothing."""
    schema.get("components", {}).get("securitySchemes", {}).pop("bearerOptional", None)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if {"bearerOptional": []} in operation.get("security", []):
                operation["security"] = [{}, {"bearer": []}]
    return schema

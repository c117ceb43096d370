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
    {"name": "desk", "description": "The reviewers' daily work around the queue: saved "
     "views, bulk claims, releases, findings and decisions on a selection, the lead's dashboard."},
    {"name": "teams", "description": "Teams per role and jurisdiction, which a lead assigns "
     "items to."},
    {"name": "templates", "description": "Explanation templates per reason, law and notice "
     "language, versioned; chosen in the decision form."},
    {"name": "enforcement", "description": "What a decision does on the platform: the "
     "visibility check per viewer country, the restriction feed and its snapshot (for a "
     "replica). Guide: docs/guide-platform.md."},
    {"name": "matching", "description": "Copies of restricted content: match an image, a PDQ hash "
     "or text (one or a batch) against the restricted bank, per country; the bank for a replica; "
     "a reviewer confirms or rejects a copy item. Guide: docs/matching.md."},
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


# What a parameter means, for the routes that declare none (a route's own description and
# example win): by name for the ids and the paging every list shares, by route and name
# where the same name means something else there.
_ID = "the {}'s id, as the API answered it"
PARAMETERS: dict[tuple[str, str], tuple[str, Any]] = {
    ("*", "request_id"): (_ID.format("request"), 42),
    ("*", "item_id"): (_ID.format("item"), 101),
    ("*", "decision_id"): (_ID.format("decision"), 7),
    ("*", "appeal_id"): (_ID.format("appeal"), 3),
    ("*", "document_id"): (_ID.format("document"), 12),
    ("*", "submitter_id"): (_ID.format("submitter"), 2),
    ("*", "token_id"): (_ID.format("API token"), 5),
    ("*", "endpoint_id"): (_ID.format("webhook endpoint"), 1),
    ("*", "hold_id"): (_ID.format("hold"), 4),
    ("*", "view_id"): (_ID.format("saved view"), 3),
    ("*", "team_id"): (_ID.format("team"), 2),
    ("*", "user_id"): (_ID.format("person (user)"), 6),
    ("*", "template_id"): (_ID.format("explanation template"), 1),
    ("*", "content_id"): ("the platform's own id of the content", "post-8812"),
    ("*", "reporter_key"): ("the reporter's key, as reports name it: user:<the platform's user "
                            "id>, or anon:<a keyed hash of the sender's network> for the public form",
                            "user:user-1203"),
    ("*", "code"): ("the requester kind's code", "government_agency"),
    ("*", "limit"): ("at most this many records in one answer", 50),
    ("*", "cursor"): ("where the previous page ended: its `next_cursor`; absent for the first "
                      "page", "eyJpZCI6IDQyfQ"),
    ("*", "jurisdiction"): ("only this country (ISO 3166-1 alpha-2)", "KZ"),
    ("*", "status"): ("only records in this state", None),
    ("*", "after"): ("the cursor (sequence number) you have applied; 0 for the start", 0),
    ("*", "wait"): ("seconds to long-poll when nothing is new", 10),
    ("*", "Idempotency-Key"): ("retrying with the same key returns the first answer and "
                               "stores nothing new", "kz-mdai-2026-11-0042"),
    ("*", "submitter"): ("only this submitter's records (staff only)", 2),
    ("*", "assigned"): ("me, none, or a user id", "me"),
    ("*", "period"): ("2026, 2026-H1, 2026-Q3 or 2026-11", "2026-H2"),
    ("*", "from"): ("YYYY-MM-DD, the first day", "2026-07-01"),
    ("*", "to"): ("YYYY-MM-DD (both days included)", "2026-12-31"),
    ("/api/v1/restrictions/changes", "limit"): ("at most this many changes in one answer", 1000),
    ("/api/v1/log/checkpoints/{size}", "size"): ("the log's size at that checkpoint", 1024),
    ("/api/v1/log/proofs/inclusion", "index"): ("the leaf's position in the log, from 0", 17),
    ("/api/v1/log/proofs/inclusion", "size"): ("the size of the tree the proof is for (a "
                                               "checkpoint's size)", 1024),
    ("/api/v1/log/proofs/consistency", "old"): ("the earlier tree size", 512),
    ("/api/v1/log/proofs/consistency", "new"): ("the later tree size", 1024),
    ("/api/v1/log/leaves", "start"): ("the first leaf's position, from 0", 0),
    ("/api/v1/log/leaves", "end"): ("the position after the last leaf wanted", 100),
    ("/api/v1/requests", "received_from"): ("only requests received at or after this time",
                                            "2026-11-01T00:00:00Z"),
    ("/api/v1/requests", "received_to"): ("only requests received before this time",
                                          "2026-12-01T00:00:00Z"),
    ("/api/v1/queue", "reason"): ("only items of requests with this reason code", "defamation"),
    ("/api/v1/queue", "overdue"): ("only items past (true) or within (false) their deadline", True),
    ("/api/v1/audit/events", "subject"): ("only events about this subject, as `kind:id`",
                                          "request:42"),
    ("/api/v1/audit/events", "action"): ("only events of this action", "request:submit"),
}
# The multipart/form-data bodies FastAPI names after their route (Body_<operation id>): a
# name and a description of their own in the document (their fields are described where
# the route declares them, with File() and Form()).
FORM_BODIES: dict[str, tuple[str, str]] = {
    "Body_add_document_api_v1_requests__request_id__documents_post": (
        "DocumentUpload", "A document attached to a request, sent as multipart/form-data: the file, what "
                          "it is, its language, and (staff) the document it is a redacted copy of."),
    "Body_receive_document_api_v1_documents_post": (
        "InboxUpload", "A document sent as it is to the inbox, as multipart/form-data: the file and "
                       "its language; a person turns it into a request or dismisses it."),
}
_STATUS_EXAMPLES = {"/api/v1/requests": "open", "/api/v1/queue": "policy_review",
                    "/api/v1/appeals": "open", "/api/v1/holds": "held", "/api/v1/outbox": "sent"}


def install(app: FastAPI) -> None:
    """Generate ``app``'s OpenAPI document with docket's error responses, once."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes, tags=TAGS)
            app.openapi_schema = with_form_bodies(with_parameters(with_optional_bearer(with_problems(schema))))
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


def with_parameters(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with each parameter that has no description or example given one from
    PARAMETERS."""
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                name = parameter["name"]
                found = PARAMETERS.get((path, name)) or PARAMETERS.get(("*", name))
                if found is None:
                    continue
                description, example = found
                if name == "status":
                    example = _STATUS_EXAMPLES.get(path, example)
                parameter.setdefault("description", description)
                if example is not None and "example" not in parameter and "examples" not in parameter:
                    parameter["example"] = example
    return schema


def with_form_bodies(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with each multipart body of FORM_BODIES under its own name, described."""
    components = schema.get("components", {}).get("schemas", {})
    renamed = {}
    for generated, (name, description) in FORM_BODIES.items():
        if generated in components:
            body = components.pop(generated)
            components[name] = {**body, "title": name, "description": description}
            renamed[f"#/components/schemas/{generated}"] = f"#/components/schemas/{name}"

    def refer(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("$ref") in renamed:
                node["$ref"] = renamed[node["$ref"]]
            for value in node.values():
                refer(value)
        elif isinstance(node, list):
            for value in node:
                refer(value)

    if renamed:
        refer(schema.get("paths", {}))
    return schema

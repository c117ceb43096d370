"""``GET /metrics``: Prometheus's scrape target."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from docket import access
from docket.deps import Db
from docket.errors import Forbidden
from docket.ops import service
from docket.parties import auth
from docket.parties.auth import Permission
from docket.store import utcnow

router = APIRouter(tags=["operations"])


async def metrics_reader(request: Request, _token: auth.Token = None) -> None:
    """Lets through the scraper's token (DOCKET_METRICS_TOKEN, compared in constant time)
    and staff with the ``metrics:read`` permission who reach every jurisdiction (the
    figures span them all): admins and auditors. Anyone else is refused as elsewhere in
    the API: 401 without a valid token, 403 with one."""
    expected: str = request.app.state.settings.metrics_token
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    if expected and scheme.lower() == "bearer" and hmac.compare_digest(
            presented.strip().encode(), expected.encode()):
        return
    principal = await auth.principal()(request)
    if not (principal.can(Permission.metrics_read) and access.reach(principal).everything):
        raise Forbidden(f"this call needs the '{Permission.metrics_read.value}' permission")


@router.get("/metrics", dependencies=[Depends(metrics_reader)], response_class=Response,
            responses={200: {"description": "the Prometheus text exposition format",
                             "content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics(request: Request, db: Db) -> Response:
    """Metrics in the Prometheus text format: this process's counters and histograms, and
    gauges read from the database now. Who: admin, auditor, or the scraper's token
    (DOCKET_METRICS_TOKEN)."""
    state = request.app.state
    found = service.snapshot(session=db, now=utcnow(), index_cursor=state.index.cursor)
    found.bank = state.bank.sizes()
    return Response(state.metrics.render(found), media_type=CONTENT_TYPE_LATEST)


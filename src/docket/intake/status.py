"""A request's status, derived from what it lacks and from its items' states."""

from __future__ import annotations

from docket.intake.models import Request, RequestStatus
from docket.items.states import OPEN_STATES, ItemState


def refresh_status(request: Request) -> RequestStatus:
    """Derive a request's status from what it lacks and from its items' states, and put
    its open items in the review queue or take them out.

    Once every item is decided the request is decided, whatever it lacked: nothing is
    asked of the requester any more (its ``missing`` is emptied; the ``item:decided``
    event keeps what it was), so the API, the portal, the console and the Lumen export
    all call it decided. A request with no items (one for user data only, its measures
    referred at receipt) is decided too."""
    states = [ItemState(i.status) for i in request.items]
    if all(s == ItemState.decided for s in states):
        status = RequestStatus.decided
        if request.missing:
            request.missing = []
    elif request.missing or ItemState.clarification_requested in states:
        status = RequestStatus.needs_clarification
    elif ItemState.decided in states:
        status = RequestStatus.partially_decided
    else:
        status = RequestStatus.open
    request.status = status
    waiting = status == RequestStatus.needs_clarification
    for item in request.items:
        item.queue_open = not waiting and ItemState(item.status) in OPEN_STATES
    return status

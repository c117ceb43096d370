"""Who is asking: the client's network address, read in one place.

Every per-address decision (sign-in throttles, the public forms' rate limits) takes the
address from here, so that how it is found (the socket's peer today; forwarding headers
from trusted proxies later) changes in one function."""

from __future__ import annotations

from starlette.requests import HTTPConnection


def client_address(request: HTTPConnection) -> str:
    """The address the request came from, as a string ("unknown" when the server gives none)."""
    return request.client.host if request.client else "unknown"

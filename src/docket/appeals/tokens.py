"""Appeal links: the statement of reasons carries a token that lets the author appeal
without an account. It is an HMAC of the decision id under DOCKET_SECRET_KEY, so it
needs no storage and cannot be forged; set a stable secret key in production."""

from __future__ import annotations

import base64
import hashlib
import hmac


def _mac(secret: str, decision_id: int) -> str:
    digest = hmac.new(secret.encode(), f"appeal:{decision_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def make(secret: str, decision_id: int) -> str:
    """The appeal token for one decision."""
    return f"{decision_id}.{_mac(secret, decision_id)}"


def decision_of(secret: str, token: str) -> int | None:
    """The decision a token is for, or None if it is not a valid token."""
    head, _, mac = token.partition(".")
    if not head.isdigit() or len(head) > 12:
        return None
    decision_id = int(head)
    return decision_id if hmac.compare_digest(mac, _mac(secret, decision_id)) else None

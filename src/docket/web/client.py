"""Who is calling, as far as the network can tell: the client's address, and the keys
docket's limits and anonymous reporters are known by.

The address is the TCP peer's, unless that peer is one of ``DOCKET_TRUSTED_PROXIES``
(default: none): only then does ``X-Forwarded-For`` count, read from the right and
skipping every trusted proxy, so a client cannot pick its own address by sending the
header. (``docket serve`` runs uvicorn without its own proxy-header handling, which would
trust the header from any local peer.)

Addresses are never stored: a key is an HMAC of the client's network under the server's
secret — an IPv4 address, or the /64 an IPv6 client is given (one subscriber's whole
block, which it could otherwise rotate through) — so nobody with the database alone can
tell an address from its key.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from starlette.requests import HTTPConnection

from docket.settings import Network


def client_address(request: HTTPConnection) -> str:
    """The client's address (see the module's docstring)."""
    peer = request.client.host if request.client else "unknown"
    trusted: tuple[Network, ...] = request.app.state.settings.trusted_networks
    if not trusted or not _within(peer, trusted):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",")]
    closest_trusted = peer
    for hop in reversed([h for h in hops if h]):
        if _parse(hop) is None:
            break  # garbage: the last trusted proxy's own view is all that can be believed
        if not _within(hop, trusted):
            return hop
        closest_trusted = hop
    return closest_trusted


def network_of(address: str) -> str:
    """What one client holds: the IPv4 address, the /64 of an IPv6 one; anything that is
    not an address (a test client's name) as it is."""
    parsed = _parse(address)
    if parsed is None:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
    return str(parsed)


def address_key(secret: str, address: str) -> str:
    """A stable key for the client's network that does not reveal it (HMAC, not a hash:
    the IPv4 space is small enough to hash whole)."""
    mac = hmac.new(secret.encode(), f"address:{network_of(address)}".encode(), hashlib.sha256)
    return "anon:" + mac.hexdigest()[:24]


@lru_cache(maxsize=4096)
def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return None


def _within(address: str, networks: Iterable[Network]) -> bool:
    parsed = _parse(address)
    if parsed is None:
        return False
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return any(parsed.version == net.version and parsed in net for net in networks)

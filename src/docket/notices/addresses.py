"""Which addresses a webhook may reach: never docket's own network.

A webhook URL is chosen by a platform's token, so without a check it could make docket
post to its own machine (loopback), the private network around it, a cloud provider's
metadata service (169.254.169.254, fd00:ec2::254) or any other address that is not on the
public internet: a server-side request forgery. The URL is checked when it is registered
and again at every delivery, after DNS: the delivery then connects to the very address it
checked (no second lookup a rebinding DNS server could answer differently).

``DOCKET_WEBHOOKS_ALLOW_PRIVATE=true`` lifts the check for development (a receiver on
127.0.0.1); the connection is still made to the address resolved once.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

# Named apart from the ranges they fall in: the reason an operator reads should say what it is.
METADATA = {ipaddress.ip_address(a): name for a, name in (
    ("169.254.169.254", "a cloud metadata service (AWS, GCP, Azure, OpenStack)"),
    ("169.254.170.2", "a cloud metadata service (AWS ECS)"),
    ("fd00:ec2::254", "a cloud metadata service (AWS, IPv6)"),
    ("100.100.100.200", "a cloud metadata service (Alibaba Cloud)"),
    ("192.0.0.192", "a cloud metadata service (Oracle Cloud)"),
)}
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeAddress(ValueError):
    """A webhook URL leads to an address docket must not post to; the message says why."""


def why_not(ip: IP) -> str | None:
    """Why ``ip`` is no address for a webhook (None when it is a public unicast address)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            inner = why_not(embedded)
            return f"{inner} (inside the IPv6 address {ip})" if inner else None
    checks: list[tuple[bool, str]] = [
        (ip in METADATA, METADATA.get(ip, "")),
        (ip.is_unspecified, "the unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT, "a carrier-grade NAT (shared) address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (not ip.is_global, "not a public internet address"),
    ]
    return next((reason for hit, reason in checks if hit), None)


def literal(host: str) -> IP | None:
    """``host`` as an IP address when it is one (``[::1]`` too), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system's resolver gives ``host`` for a TCP connection."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def check_host(host: str, port: int, *, allow_private: bool,
               resolve: Resolver = system_resolver) -> str:
    """The one address to connect to for ``host``: resolved once, every address it has
    checked (UnsafeAddress when any is forbidden, unless ``allow_private``; OSError when
    the name does not resolve)."""
    ip = literal(host)
    addresses = [ip] if ip is not None else [ipaddress.ip_address(a.split("%")[0]) for a in resolve(host, port)]
    if not addresses:
        raise OSError(f"{host} has no address")
    if not allow_private:
        for address in addresses:
            reason = why_not(address)
            if reason:
                named = f"{host} resolves to {address}" if ip is None else str(address)
                raise UnsafeAddress(f"{named}: {reason}; webhooks go to public internet addresses only "
                                    "(DOCKET_WEBHOOKS_ALLOW_PRIVATE=true allows others, for development)")
    return str(addresses[0])


def check_url_host(host: str, port: int, *, allow_private: bool, resolve: Resolver = system_resolver) -> None:
    """At registration: UnsafeAddress when ``host`` is or resolves to a forbidden address. A
    name that does not resolve yet is let through: every delivery checks it again."""
    name = host.lower().rstrip(".")
    if not allow_private and (name == "localhost" or name.endswith(".localhost")):
        raise UnsafeAddress(f"{host}: a loopback name; webhooks go to public internet addresses only "
                                "(DOCKET_WEBHOOKS_ALLOW_PRIVATE=true allows others, for development)")
    try:
        check_host(host, port, allow_private=allow_private, resolve=resolve)
    except UnicodeError:
        raise UnsafeAddress(f"{host}: not a valid host name") from None
    except OSError:
        return

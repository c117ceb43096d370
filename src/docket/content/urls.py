"""URL normalization, so that the same content given two ways is one item; addresses as
requests really write them (defanged, or redacted); and which hosts are the platform's."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from docket.settings import Hosts

# Query parameters that track a click, not identify content.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "igshid", "igsh", "mc_cid", "mc_eid", "ref",
     "ref_src", "ref_url", "si", "s", "t", "feature", "share_id", "_hsenc", "_hsmi",
     "yclid", "spm", "vero_id", "__tn__", "__cft__", "mibextid"}
)
DEFAULT_PORTS = {"http": 80, "https": 443}


class InvalidURL(ValueError):
    """Not an http(s) URL with a host."""


def normalize_url(url: str) -> str:
    """A canonical form: lower-case scheme and host, no default port, no fragment,
    no tracking parameters, sorted query, no trailing slash (except the root)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise InvalidURL("URL must be http(s) with a host")
    host = parts.hostname.lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        raise InvalidURL("URL has an invalid port") from None
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%") or "/"
    while "//" in path:
        path = path.replace("//", "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith("utm_")
    )
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def is_exact(normalized: str, hosts: Hosts | None = None) -> bool:
    """Whether a normalized URL can point at one piece of content (not a home or search
    page). Any address on a user's own site (``hosts``) is content."""
    parts = urlsplit(normalized)
    if hosts is not None and parts.hostname and hosts.user_site(parts.hostname):
        return True
    if parts.path in ("", "/"):
        return False
    first = parts.path.strip("/").split("/", 1)[0].lower()
    return first not in {"search", "explore", "hashtag", "home", "feed", "trending"}


# ---------------------------------------------------------------- addresses as written
# Defanged: written so that nobody clicks it by mistake (threat reports, CERTs' notices).
_Sub = str | Callable[[re.Match[str]], str]
_DEFANGED: list[tuple[re.Pattern[str], _Sub]] = [
    (re.compile(r"^\s*h(?:xx|\*\*)p(s?)", re.IGNORECASE), lambda m: "http" + m.group(1).lower()),
    (re.compile(r"\[\s*://\s*\]|\(\s*://\s*\)"), "://"),
    (re.compile(r"\[\s*:\s*\]|\(\s*:\s*\)"), ":"),
    (re.compile(r"\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\}", re.IGNORECASE), "."),
    (re.compile(r"\[\s*/\s*\]"), "/"),
]
# A placeholder where the address was withheld: "[redacted]", "(URL removed)", "<private>".
_PLACEHOLDER = re.compile(
    r"[\[(<{]\s*(?:(?:url|link|address)\s+)?(?:redacted|private|removed|withheld|omitted|hidden|deleted|"
    r"censored|confidential)(?:\s+(?:url|link|address))?\s*[\])>}]", re.IGNORECASE)


def placeholders(text: str) -> list[tuple[int, int]]:
    """Where in ``text`` placeholders stand (start, end), for readers of whole letters."""
    return [m.span() for m in _PLACEHOLDER.finditer(text)]


def is_placeholder(text: str) -> bool:
    """Whether ``text`` stands where an address was withheld ("[redacted]", "hxxps://[private]/x")."""
    return bool(_PLACEHOLDER.search(text))


def refang(text: str) -> str:
    """``text`` with the usual defanging undone (``hxxps://example[.]com`` →
    ``https://example.com``); unchanged when it was not defanged."""
    out = text.strip()
    for pattern, repl in _DEFANGED:
        out = pattern.sub(repl, out)
    return out

"""The addresses a notice names, as letters really write them: defanged
(``hxxps://social[.]example``), in brackets, quotes or ``<>``, in numbered lists and
tables, broken at a line's end with the rest on the next line, or withheld
(``[redacted]``). Refanging and the placeholders are docket.content.urls' own; this
module finds the addresses in running text and says whose each is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from docket.content.urls import is_exact, is_placeholder, normalize_url, placeholders, refang
from docket.extraction.proposal_text import Found, data
from docket.settings import Hosts

# What an address is, as proposed: the platform's content (an item), another page of the
# platform's, the authority's own site, a law portal, an app store, anything else, or
# withheld (a placeholder: an unlisted item).
CONTENT, PLATFORM, AUTHORITY, LAW, APP_STORE, OTHER, WITHHELD = (
    "content", "platform", "authority", "law", "app_store", "other", "withheld")


@dataclass(frozen=True)
class Address:
    """One address in the text: ``url`` refanged (None when withheld), ``written`` as the
    letter has it (a line break inside it dropped), ``kind`` whose it is."""

    url: str | None
    written: str
    kind: str

    @property
    def item(self) -> bool:
        """Whether the request's items should list it (the platform's content, or withheld)."""
        return self.kind in (CONTENT, WITHHELD)


# A character an address may hold: not a space, not what letters wrap addresses in or
# tables put between cells. Brackets are allowed (defanging writes "[.]"); unbalanced
# ones at the end are the wrapper's and are cut off.
_CHAR = r"[^\s<>\"'|«»“”‘’\u3000-\u303f\uff00-\uffef]"
_SCHEME = re.compile(r"(?<![\w])h(?:tt|xx|\*\*)ps?(?:://|\[://\]|\[:\]//|\(:\)//|\[:/\]/)" + _CHAR + "+",
                     re.IGNORECASE)
_DEFANGED_DOT = r"(?:\[\.\]|\(\.\)|\[dot\]|\{\.\}|\.)"
_BARE = re.compile(r"(?<![\w@/.:\[\]\-])(?:[a-z0-9-]+" + _DEFANGED_DOT + r")+[a-z]{2,}(?![\w-])(?:/" + _CHAR + "*)?",
                   re.IGNORECASE)
_FANG = re.compile(r"\[\.\]|\(\.\)|\[dot\]|\{\.\}", re.IGNORECASE)
_TRAILING = ".,;:!?"
_PAIRS = {")": "(", "]": "[", "}": "{"}
# The rest of an address broken at a line's end: the whole next line, one token.
_CONTINUED = re.compile(r"\n[ \t]*(" + _CHAR + r"+)[ \t]*(?=\n|$)")
_BREAKS_AFTER = "/-_.?=&%#"
_LIST_NUMBER = re.compile(r"^\d+[.)]$")
_LINE_BREAK = re.compile(r"\n[ \t]*")
# Before a withheld address on its line: a list's number or bullet, a table's cell, a label.
_LEAD = re.compile(r"^[\s|\-•*\d.)(]*(?:(?:url|link|address|адрес|ссылка|adres|enlace|链接|Adresse)\s*:?\s*)?$",
                   re.IGNORECASE)


def _trim(token: str) -> str:
    """``token`` without the sentence's punctuation and the wrapper's closing bracket."""
    while token:
        last = token[-1]
        if last in _TRAILING or (last in _PAIRS and token.count(_PAIRS[last]) < token.count(last)):
            token = token[:-1]
        else:
            break
    return token


def _with_continuation(text: str, end: int) -> int:
    """The end of the address ending at ``end``, taking in the next lines while the address
    was broken there (it ends where addresses break, or the next line is a path's rest)."""
    while end < len(text) and text[end] == "\n":
        m = _CONTINUED.match(text, end)
        if m is None:
            break
        rest = m.group(1)
        if _SCHEME.search(rest) or "://" in rest or _LIST_NUMBER.match(rest):
            break
        if not (text[end - 1] in _BREAKS_AFTER or any(c in rest for c in "/?=&#%")):
            break
        end = m.end(1)
    return end


@cache
def _host_kinds() -> tuple[tuple[str, tuple[str, ...]], ...]:
    hosts = data()["hosts"]
    return tuple((kind, tuple(hosts[kind])) for kind in (LAW, APP_STORE, AUTHORITY))


def _under(host: str, names: tuple[str, ...] | frozenset[str]) -> bool:
    return any(host == name or host.endswith("." + name) for name in names)


def kind_of(normalized: str, hosts: Hosts, authority_domains: frozenset[str]) -> str:
    """Whose a normalized address is."""
    host = urlsplit(normalized).hostname or ""
    if host in hosts.own or hosts.user_site(host) or _under(host, hosts.own):
        return CONTENT if is_exact(normalized, hosts) else PLATFORM
    if _under(host, authority_domains):
        return AUTHORITY
    for kind, names in _host_kinds():  # law portals and app stores before the authorities' hosts
        if _under(host, names):
            return kind
    return OTHER


def find(text: str, *, hosts: Hosts, authority_domains: frozenset[str] = frozenset()) -> list[Found[Address]]:
    """Every address in ``text``, in the order written."""
    found: list[Found[Address]] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return not any(start < e and s < end for s, e in taken)

    for pattern in (_SCHEME, _BARE):
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()):
                continue
            start = m.start()
            token = _trim(m.group(0))
            end = start + len(token)
            if end == m.end():
                end = _with_continuation(text, end)
                end = start + len(_trim(text[start:end]))
            written = _LINE_BREAK.sub("", text[start:end])
            if pattern is _BARE:
                host = written.split("/", 1)[0]
                plain = refang(host)
                if not (_FANG.search(host) or plain.lower().startswith("www.")
                        or kind_of("https://" + plain.lower(), hosts, frozenset()) in (CONTENT, PLATFORM)
                        and "/" in written):
                    continue
            address = _read(written, hosts, authority_domains, bare=pattern is _BARE)
            if address is not None:
                taken.append((start, end))
                found.append(Found(address, start, end))
    for start, end in placeholders(text):
        if free(start, end) and _listed(text, start, end):
            taken.append((start, end))
            found.append(Found(Address(None, text[start:end], WITHHELD), start, end))
    return sorted(found, key=lambda f: f.start)


def _read(written: str, hosts: Hosts, authority_domains: frozenset[str], *, bare: bool) -> Address | None:
    if is_placeholder(written):
        return Address(None, written, WITHHELD)
    url = refang(written)
    if bare:
        url = "https://" + url
    try:
        normalized = normalize_url(url)
    except ValueError:  # InvalidURL, or what urlsplit makes of "https://[::1"
        return None
    return Address(url, written, kind_of(normalized, hosts, authority_domains))


def _listed(text: str, start: int, end: int) -> bool:
    """Whether a placeholder stands where an address would (a list's or a table's entry,
    after a label), not in a sentence ("the victim's name [redacted]")."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before, after = text[line_start:start], text[end:line_end]
    if not _LEAD.match(before):
        return False
    return "|" in before or "\t" in before or not after.strip(" \t.,;|")

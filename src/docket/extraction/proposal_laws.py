"""The laws a letter cites, in the styles letters write them ("ст. 15.1 Федерального закона
№ 149-ФЗ", "5651 sayılı Kanun'un 8/A maddesi", "§ 130 StGB", "Section 71 of the Crimes
Ordinance (Cap. 200)", "《网络安全法》第四十七条"), matched to the catalog's laws: a law's
names (``law_names`` in proposals.json) are looked for in the citation and in each catalog
law's citation, and the provision compared."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from docket.extraction.proposal_text import Found, data


@dataclass(frozen=True)
class LawRef:
    """A catalog law as matching sees it: its id, the names found in its citation, its provision."""

    id: str
    citation: str
    applies_in: str


@dataclass(frozen=True)
class CitedLaw:
    """A citation in the letter: the catalog ``law`` it names (None when none, or when several
    could be meant: then ``candidates``), the ``provision`` as written, and a ``suggestion``
    when the catalog lacks the law."""

    citation: str
    law: str | None
    provision: str | None
    candidates: tuple[str, ...] = ()
    suggestion: str | None = None
    # The catalog holds the law as a whole (no provision): the provision is the letter's.
    whole_law: bool = False


_PROVISION = r"(?P<provision>\d+[A-Za-z]?(?:[.\-/][0-9A-Za-z]+)*(?:\(\w{1,3}\))*)"
# One part of a law's English name: an abbreviation (first: the first alternative that fits
# is kept, not the longest), a capitalised word that does not start the next citation, a
# number, a parenthesis, a quoted title.
_NAME_PART = (r"(?:No\.|Cap\.\s*\d+|(?!(?:Article|Art|Section|Sec|Rule|Part)\.?\s*\d)[A-Z][\w'’\-]*|"
              r"\d(?:[\w/\-]|\.(?=\w))*|\([^()\n]{1,40}\)|\"[^\"\n]{1,150}\"|«[^»\n]{1,150}»|“[^”\n]{1,150}”)")
_JOINS = r"(?:of|the|and|on|for|from|to|against)"
_CITATIONS = tuple(re.compile(p) for p in (
    # ст. 15.1 Федерального закона от 27.07.2006 № 149-ФЗ «Об информации…»; статьёй 9 Закона РК «…»
    r"(?:ст\.|[Сс]тат[а-яё]+)\s*" + _PROVISION + r"\s+(?P<law>(?:Федеральн[а-яё]+\s+закон[а-яё]*|Закон[а-яё]*"
    r"(?:\s+Республики\s+Казахстан|\s+Российской\s+Федерации)?|[А-ЯЁ][а-яё]+\s+кодекс[а-яё]*[^.,;\n]{0,60}?)"
    r"(?:\s+от\s+\d{2}\.\d{2}\.\d{4}(?:\s*г\.)?)?(?:\s*№\s*\d+-ФЗ)?(?:\s*«[^»\n]{1,200}»)?)",
    # Article 300 of the Criminal Law of …; Section 71 of the Crimes Ordinance (Cap. 200): the
    # law's name is its capitalised words, numbers, quoted title and parenthesis, joined by
    # "of", "the", "and", "on", "for", "from", "to", "against" — it ends at the first other word.
    r"(?:[Aa]rticle|Art\.|[Ss]ection|Sec\.|s\.|Rule|r\.)\s*" + _PROVISION + r"\s+of\s+"
    r"(?P<law>(?:the\s+)?" + _NAME_PART + r"(?:\s+(?:" + _JOINS + r"\s+)*" + _NAME_PART + r"){0,24})",
    # art. 13 LECrim; artículo 13 de la Ley de Enjuiciamiento Criminal; art. 8 de la Ley 34/2002
    r"(?:art\.|art[ií]culo|Art[ií]culo)\s*" + _PROVISION + r"\s+(?:de\s+(?:la\s+)?|del\s+)?(?P<law>LECrim|LSSI(?:-CE)?|"
    r"Ley\s+(?:Orgánica\s+)?\d+/\d{4}(?:,\s+de\s+\d+\s+de\s+[a-z]+)?(?:\s*\([A-Z\-]+\))?|"
    r"Ley\s+de\s+[A-ZÁÉÍÓÚ][a-záéíóúñ]+(?:\s+[A-ZÁÉÍÓÚ][a-záéíóúñ]+)*|C[óoö]digo\s+Penal)",
    # 5651 sayılı Kanun'un 8/A maddesi; CMK md. 157
    r"(?P<law>\d{4}\s+sayılı\s+(?:[A-ZÇĞİÖŞÜ][a-zçğıöşü]+\s+){0,6}Kanun(?:u|un|['’][a-zçğıöşü]+)?)\s+"
    + _PROVISION + r"\s*(?:\.\s*)?(?:madde(?:si|sinin|sine)?|md\.)",
    r"(?P<law>CMK|TCK)\s+(?:md\.|madde)\s*" + _PROVISION,
    # § 130 StGB; § 3 Abs. 2 Nr. 2 NetzDG; §§ 823 Abs. 2, 1004 BGB
    r"§§?\s*(?P<provision>\d+[a-z]?(?:\s+Abs\.\s*\d+)?(?:\s+(?:S\.|Satz)\s*\d+)?(?:\s+Nr\.\s*\d+)?"
    r"(?:,\s*\d+[a-z]?(?:\s+Abs\.\s*\d+)?)*)\s+(?P<law>[A-Z][A-Za-zÄÖÜäöü]{1,14})(?![\w])",
    # the same as a scan reads "§": "$ 1004 BGB" — only before a German law's abbreviation
    # (…G Gesetz, …GB Gesetzbuch, …O Ordnung, …V Verordnung), not before "USD"
    r"\$\s?(?P<provision>\d+[a-z]?(?:\s+Abs\.\s*\d+)?)\s+(?P<law>[A-Z][A-Za-zÄÖÜäöü]{0,12}(?:G|GB|O|V))(?![\w])",
    # 《中华人民共和国网络安全法》第四十七条
    # (a line may break inside the title: "《中华人民共和国网络\n安全法》")
    r"(?P<law>《(?:[^》\n]|\n(?!\s*\n)){2,40}》)\s*第(?P<provision>[一二三四五六七八九十百零〇\d]+)条",
    # «Онлайн-платформалар және онлайн-жарнама туралы» Қазақстан Республикасы Заңының 9-бабы
    r"(?P<law>«[^»\n]{1,120}»\s+Қазақстан\s+Республикасы\s+Заңының)\s+(?P<provision>\d+(?:-\d+)?)-бабы",
))
# A provision of the law cited just before: "статьи 15.1 того же закона", "Article 9 of the
# same Act", "artículo 11 de la misma Ley", "aynı Kanunun 9. maddesi".
_SAME_LAW = tuple(re.compile(p) for p in (
    r"(?:ст\.|[Сс]тат[а-яё]+)\s*" + _PROVISION + r"\s+(?:того\s+же|указанного|данного|этого)\s+"
    r"(?:[Фф]едерального\s+)?(?:[Зз]акона|[Кк]одекса)",
    r"(?:[Aa]rticle|Art\.|[Ss]ection|Sec\.)\s*" + _PROVISION + r"\s+of\s+(?:the\s+same|that|this)\s+"
    r"(?:[Ll]aw|Act|Ordinance|Code)",
    r"(?:art\.|art[ií]culo|Art[ií]culo)\s*" + _PROVISION + r"\s+de\s+(?:la\s+misma|la\s+citada|dicha)\s+[Ll]ey",
    r"(?:[Aa]ynı|[Aa]nılan)\s+Kanun(?:un)?\s+" + _PROVISION + r"\s*(?:\.\s*)?madde(?:si|sinin|sine)?",
))
# A further provision of the same law right after a citation: "9. maddesi ve 8/A maddesi",
# "《网络安全法》第十二条、第四十七条".
_FURTHER = tuple(re.compile(p) for p in (
    r"\s*(?:,|\s+ve|\s+ile)\s+(?P<cite>" + _PROVISION + r"\s*(?:\.\s*)?madde(?:si|sinin|sine)?)",
    r"\s*(?:、|及|和|以及)\s*(?P<cite>第(?P<provision>[一二三四五六七八九十百零〇\d]+)条)",
))
_CJK_BREAK = re.compile(r"(?<=[\u4e00-\u9fff《》])\s+(?=[\u4e00-\u9fff《》])")


def _joined(name: str) -> str:
    """A law's name with its line breaks mended: none between Chinese characters, one space
    elsewhere — as it was before the page's width broke it."""
    return " ".join(_CJK_BREAK.sub("", name).split())


# Where a catalog law's citation names its provision.
_CATALOG_PROVISION = re.compile(r"(?:Art\.|art\.|ст\.|madde|§|s\.|r\.|Part|Article|Section)\s*"
                                r"(?P<provision>\d+[A-Za-z]?(?:[.\-/]\d*[A-Za-z]?\d*)*)|第(?P<cjk>[一二三四五六七八九十百零〇]+)条")
_LEADING_NUMBER = re.compile(r"\d+[a-z]?(?:[.\-/][0-9a-z]+)*")
_CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cjk_number(text: str) -> int:
    total = digit = 0
    for ch in text:
        if ch in _CJK_DIGITS:
            digit = _CJK_DIGITS[ch]
        elif ch in "十百":
            total += (digit or 1) * (10 if ch == "十" else 100)
            digit = 0
    return total + digit


def provision_key(provision: str | None) -> str | None:
    """A provision as compared: its leading number (with its sub-number), lower case
    ('15.3', '8/a', '47'); ``3 Abs. 2`` and ``3(2)`` are both '3'."""
    if not provision:
        return None
    if provision[0] in _CJK_DIGITS or provision[0] in "十百":
        return str(_cjk_number(provision))
    m = _LEADING_NUMBER.match(provision.strip().lower())
    return m.group(0) if m else None


@cache
def _names() -> tuple[re.Pattern[str], tuple[str, ...]]:
    """Every law's names as one pattern, a named group per law (one pass over the text)."""
    keys = tuple(key for key in data()["law_names"] if not key.startswith("_"))
    groups = []
    for n, key in enumerate(keys):
        parts = []
        for alias in data()["law_names"][key]:
            head = "" if re.match(r"[\u4e00-\u9fff(《]|\(\?<", alias) else r"(?<![\w-])"
            tail = "" if re.search(r"[\u4e00-\u9fff)]$|\)$", alias) else r"(?![\w-])"
            parts.append(f"{head}(?:{alias}){tail}")
        groups.append(f"(?P<k{n}>{'|'.join(parts)})")
    return re.compile("|".join(groups), re.IGNORECASE), keys


def _named(text: str) -> list[tuple[str, re.Match[str]]]:
    pattern, keys = _names()
    return [(keys[int(next(g for g, v in m.groupdict().items() if v is not None)[1:])], m)
            for m in pattern.finditer(text)]


def law_keys(text: str) -> frozenset[str]:
    """The names of laws (``law_names``' keys) that ``text`` uses."""
    return frozenset(key for key, _ in _named(text))


@cache
def _catalog_provisions(citation: str) -> frozenset[str]:
    out = set()
    for m in _CATALOG_PROVISION.finditer(citation):
        key = provision_key(m.group("provision") or m.group("cjk"))
        if key:
            out.add(key.split("(")[0])
    return frozenset(out)


def find(text: str) -> list[Found[tuple[str, str | None, frozenset[str]]]]:
    """Every citation in ``text``: (the citation as written, its provision, the law's names)."""
    found: list[Found[tuple[str, str | None, frozenset[str]]]] = []
    spans: list[tuple[int, int]] = []
    for pattern in _CITATIONS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in spans):
                continue
            spans.append(m.span())
            keys = law_keys(_joined(m.group("law")))
            found.append(Found((m.group(0), m.group("provision"), keys), m.start(), m.end()))
            end = m.end()
            while more := next((f.match(text, end) for f in _FURTHER if f.match(text, end)), None):
                spans.append(more.span("cite"))
                found.append(Found((more.group("cite"), more.group("provision"), keys), *more.span("cite")))
                end = more.end()
    for pattern in _SAME_LAW:
        for m in pattern.finditer(text):
            before = [f for f in found if f.end <= m.start()]
            if before and not any(m.start() < e and s < m.end() for s, e in spans):
                spans.append(m.span())
                previous = max(before, key=lambda f: f.end)
                found.append(Found((m.group(0), m.group("provision"), previous.value[2]), m.start(), m.end()))
    cited_laws = {key for f in found for key in f.value[2]}
    for key, m in _named(text):  # a law named with no provision ("NetzDG", "DSA"), not cited already
        if key not in cited_laws and not any(m.start() < e and s < m.end() for s, e in spans):
            spans.append(m.span())
            found.append(Found((m.group(0), None, frozenset({key})), m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def cited(text: str, catalog: Sequence[LawRef]) -> list[Found[CitedLaw]]:
    """The letter's citations, each matched to the catalog where it can be."""
    keyed = [(law, law_keys(law.citation), _catalog_provisions(law.citation)) for law in catalog]
    out: list[Found[CitedLaw]] = []
    for f in find(text):
        citation, provision, keys = f.value
        wanted = provision_key(provision)
        same_law = [(law, provisions) for law, names, provisions in keyed if names & keys]
        if wanted is not None:
            matches = [law.id for law, provisions in same_law if wanted.split("(")[0] in provisions]
        else:
            matches = [law.id for law, provisions in same_law if not provisions]
        if len(matches) == 1:
            out.append(Found(CitedLaw(citation, matches[0], provision), f.start, f.end))
            continue
        whole = [law.id for law, provisions in same_law if not provisions]
        if not matches and wanted is not None and len(whole) == 1:
            out.append(Found(CitedLaw(citation, whole[0], provision, whole_law=True), f.start, f.end))
            continue
        candidates = tuple(matches or [law.id for law, _ in same_law])
        suggestion = None if candidates else "not in the catalog: add the law (docket law add) to match it"
        out.append(Found(CitedLaw(citation, None, provision, candidates, suggestion), f.start, f.end))
    return out

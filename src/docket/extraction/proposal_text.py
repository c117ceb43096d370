"""The pieces of a proposal read from the words alone: where each value was found
(:class:`Found`), the tables of ``proposals.json`` compiled once, dates written the
local ways, the letter's language, and the keywords of measures and reasons."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Found(Generic[T]):
    """A proposed value and where in the text it was read: ``text[start:end]``."""

    value: T
    start: int
    end: int


class Paragraph(Protocol):
    """A paragraph of an extracted document, as docket.extraction gives it."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def language(self) -> str | None: ...


@cache
def data() -> dict[str, Any]:
    """``proposals.json``: the words, names and patterns proposals look for."""
    text = (resources.files("docket.extraction") / "proposals.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _entries(table: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in table.items() if not key.startswith("_")}


_CJK = re.compile(r"[\u4e00-\u9fff]")
_CYRILLIC = re.compile(r"[а-яё]$")


def _alternatives(words: Sequence[str]) -> str:
    return "|".join(f"(?:{w})" if _CJK.match(w) else rf"(?<!\w)(?:{w})" for w in words)


def keywords(words: Sequence[str]) -> re.Pattern[str]:
    """One pattern for a list of keywords: any of them at the start of a word (Chinese has
    no spaces between words: anywhere), any case."""
    return re.compile(_alternatives(words), re.IGNORECASE)


@cache
def keyword_table(name: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """A table of ``proposals.json`` (key → keywords) as compiled patterns, in the file's order."""
    return tuple((key, keywords(words)) for key, words in _entries(data()[name]).items())


@cache
def _grouped(name: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """A table of keywords as one pattern, a named group per key: one pass over a long text.
    No look-behind in it (which would keep the engine from skipping to the keywords' first
    letters): :func:`table_hits` drops the hits inside a word."""
    keys = tuple(_entries(data()[name]))
    source = "|".join(f"(?P<k{n}>{'|'.join(data()[name][key])})" for n, key in enumerate(keys))
    return re.compile(source, re.IGNORECASE), keys


def table_hits(name: str, text: str) -> dict[str, list[Found[str]]]:
    """Where each key's keywords of table ``name`` occur in ``text`` (at the start of a word,
    but for Chinese), by key, in the order written."""
    pattern, keys = _grouped(name)
    out: dict[str, list[Found[str]]] = {}
    for m in pattern.finditer(text):
        start = m.start()
        before = text[start - 1] if start else " "
        if (before.isalnum() or before == "_") and not _CJK.match(text, start):
            continue
        group = next(g for g, v in m.groupdict().items() if v is not None)
        end = m.end()
        while (end < len(text) and (text[end].isalnum() or text[end] == "-")
               and not _CJK.match(text, end - 1) and not _CJK.match(text, end)):
            end += 1  # the whole word the keyword starts: "удаления", not "удал"
        out.setdefault(keys[int(group[1:])], []).append(Found(text[start:end], start, end))
    return out


@cache
def pattern_list(name: str) -> tuple[re.Pattern[str], ...]:
    """A list of ``proposals.json``'s patterns, compiled (case-insensitive)."""
    return tuple(re.compile(p, re.IGNORECASE) for p in data()[name])


def first(patterns: Sequence[re.Pattern[str]], text: str) -> Found[str] | None:
    """The earliest match of any of ``patterns``, as written."""
    best: re.Match[str] | None = None
    for pattern in patterns:
        m = pattern.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    return Found(best.group(0), best.start(), best.end()) if best else None


# ---------------------------------------------------------------- dates
def _fold(word: str) -> str:
    """A month name as the tables hold it: lower case, Turkish dotted and dotless i alike."""
    return word.lower().replace("\u0307", "").replace("ı", "i")


@cache
def _months() -> dict[str, int]:
    return {_fold(name): n for names in _entries(data()["months"]).values()
            for n, name in enumerate(names, start=1)}


@cache
def _date_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each way a date is written, and the order of its day (d), month (m) and year (y)."""
    months = "|".join(sorted({n for names in _entries(data()["months"]).values() for n in names},
                             key=len, reverse=True))
    english = "|".join(data()["months"]["en"])
    return (
        (re.compile(r"(?<![\d./])(\d{1,2})[./](\d{1,2})[./](\d{4})(?![\d/])"), "dmy"),
        (re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])"), "ymd"),
        (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), "ymd"),
        (re.compile(r"(\d{4})\s*жылғы\s*(\d{1,2})\s+(" + "|".join(data()["months"]["kk"]) + r")", re.I), "ydm"),
        (re.compile(r"(?<![\d.])(\d{1,2})\.?\s+(?:de\s+)?(" + months + r")\s+(?:de\s+)?(\d{4})(?:\s*г\.|\s+года)?",
                    re.IGNORECASE), "dmy"),
        (re.compile(r"(?<!\w)(" + english + r")\s+(\d{1,2}),?\s+(\d{4})", re.IGNORECASE), "mdy"),
    )


def _number(part: str) -> int:
    return int(part) if part.isdigit() else _months()[_fold(part)]


def dates(text: str) -> list[Found[dt.date]]:
    """Every date in ``text`` (real days only), in the order written."""
    found: list[Found[dt.date]] = []
    taken: list[tuple[int, int]] = []
    for pattern, order in _date_patterns():
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            parts = dict(zip(order, m.groups(), strict=True))
            try:
                day = dt.date(_number(parts["y"]), _number(parts["m"]), _number(parts["d"]))
            except (ValueError, KeyError):
                continue
            taken.append((m.start(), m.end()))
            found.append(Found(day, m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


# ---------------------------------------------------------------- language
_ISO_639_1 = re.compile(r"[a-z]{2}")


@cache
def _language_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for code, words in _entries(data()["languages"]).items():
        source = words if isinstance(words, str) else r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)"
        out.append((code, re.compile(source, re.IGNORECASE)))
    return tuple(out)


def language(text: str, paragraphs: Sequence[Paragraph] | None = None) -> Found[str] | None:
    """The letter's main language (ISO 639-1): the one most of its paragraphs are in, when
    they are known (found in the longest of them); else the one whose commonest words the
    whole text uses most."""
    known = [p for p in paragraphs or () if p.language and _ISO_639_1.fullmatch(p.language)]
    if known:
        sizes: dict[str, int] = {}
        for p in known:
            sizes[str(p.language)] = sizes.get(str(p.language), 0) + (p.end - p.start)
        code = max(sizes, key=lambda c: sizes[c])
        longest = max((p for p in known if p.language == code), key=lambda p: p.end - p.start)
        return Found(code, longest.start, longest.end)
    counts = {code: len(pattern.findall(text)) for code, pattern in _language_patterns()}
    counts["zh"] = counts.get("zh", 0) // 4  # Han characters, not words: four make a word's weight
    best = max(counts, key=lambda code: counts[code])
    return Found(best, 0, len(text)) if counts[best] else None


# ---------------------------------------------------------------- keywords
def reason(text: str, known: frozenset[str]) -> Found[str] | None:
    """The catalog reason whose keywords the text uses most (of those the catalog has),
    found at its first keyword."""
    best: tuple[int, Found[str]] | None = None
    found = table_hits("reasons", text)
    for code in _entries(data()["reasons"]):
        if code in known and code in found and (best is None or len(found[code]) > best[0]):
            best = (len(found[code]), Found(code, found[code][0].start, found[code][0].end))
    return best[1] if best else None


_SENTENCE_END = re.compile(r"[.!?。！？]\s|\n\s*\n")
EXPLANATION_MAX = 1000


def sentence_at(text: str, found: Found[str] | None) -> Found[str] | None:
    """The sentence of ``text`` around ``found`` — where a letter says why (the sentence
    with the reason's words) — its lines joined, at most EXPLANATION_MAX characters: what
    the request's explanation is proposed to be, for a person to check."""
    if found is None:
        return None
    start = 0
    for end in _SENTENCE_END.finditer(text, 0, found.start):
        start = end.end()
    after = _SENTENCE_END.search(text, found.end)
    stop = after.start() + 1 if after else len(text)
    while start < stop and text[start].isspace():
        start += 1
    value = " ".join(text[start:stop].split())[:EXPLANATION_MAX]
    return Found(value, start, stop) if value else None


# ---------------------------------------------------------------- names as scans read them
# The letters OCR (and hasty typing) reads as their plain look-alikes: Kazakh's own letters
# as the Russian ones ("Қазақстан" → "Казакстан"), Turkish's dotless ı as i, and, through
# the decomposition below, every accented Latin letter as its base ("Geschäfts" →
# "Geschafts", "İletişim" → "iletisim").
_LOOKALIKES = str.maketrans("қғңөұүһәіı", "кгноуухеii")


def skeleton(text: str) -> str:
    """``text`` folded one character to one character — lower case, accents and the
    letters above to their plain look-alikes — so that a name matched in the skeleton has
    the same span in the text (a scan's "Казакстан" and "Қазақстан" have one skeleton)."""
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char)[0].lower()
        out.append(base[0].translate(_LOOKALIKES) if base else char)
    return "".join(out)


def loose_name(name: str) -> re.Pattern[str] | None:
    """A name as letters and scans write it, to be searched in a :func:`skeleton`: its
    words in that fold, split by spaces, line breaks or punctuation (a Cyrillic name may
    end in a case ending)."""
    words = [re.escape(w) for w in re.findall(r"\w+", skeleton(name))]
    if not words:
        return None
    head = "" if _CJK.match(words[0]) else r"(?<!\w)"
    # A Russian or Kazakh name is declined: "Роскомнадзора", "Роскомнадзором".
    tail = "" if _CJK.match(words[-1][-1]) else r"[а-яе]{0,3}(?!\w)" if _CYRILLIC.search(words[-1]) else r"(?!\w)"
    return re.compile(head + r"[\s,.\-–—()«»\"]+".join(words) + tail)

"""An order's particulars read from a letter: the body that decided it, its number and
date, the court and case, the register entry and the deadline in the order's words —
the fields of a request's ``order`` (intake.schemas.OrderIn)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from docket.extraction.proposal_text import Found, data, first, keywords, pattern_list


@dataclass(frozen=True)
class Authority:
    """A body named in the letter: its name as written and its kind (intake's AuthorityKind)."""

    name: str
    kind: str


@dataclass(frozen=True)
class Particulars:
    """The order's particulars proposed, each where it was read (None: not found)."""

    issuing_authority: Found[Authority] | None = None
    number: Found[str] | None = None
    date: Found[dt.date] | None = None
    court: Found[str] | None = None
    case_number: Found[str] | None = None
    register_entry: Found[str] | None = None
    deadline: Found[str] | None = None


# How letters write a number: the sign or word before it, then the number as written. A
# scan reads "№" as "Ne" or as a Cyrillic "М" standing alone, and may set a space on either
# side of a number's "/" or "-" ("02-3- 1404").
_NUMBER = re.compile(
    r"(?:№|N[°º]|(?<!\w)(?:Nr|No|Nos|n)\.\s?º?|(?<!\w)n\.?\s?º|(?<!\w)Say[ıi]\s*:|(?<!\w)Ref\.?\s*:|(?<!\w)Az\.\s*:?|"
    r"(?<!\w)Our\s+ref(?:erence|\.)?\s*:?|(?<!\w)ref\.|(?<!\w)Reference\s*:|(?<!\w)文号\s*[:：]|"
    r"(?<![\w.])(?-i:Ne|М)(?=\s+\d[\d\-/]*\d)|"
    r"(?<!\w)(?:Incident|Diligencias|Proceedings)(?=\s+\S*\d))"
    r"\s*(?P<n>[0-9A-Za-zА-Яа-яЁё\u4e00-\u9fff〔\[](?:[\w\-/.〔〕\[\]]|\s[\-/]\s?(?=\d)|[\-/]\s(?=\d))*?[\w〕])"
    r"(?=(?!\s[\-/]\s?\d)[\s,;:)]|\.(?:\s|$)|$)",
    re.IGNORECASE)
# A Chinese document number (公网安〔2026〕304号), its brackets as a scan reads them: 【 ] ( ).
_CJK_NUMBER = re.compile(r"(?<![\u4e00-\u9fff])(?P<n>[\u4e00-\u9fff]{1,8}\s?[〔\[【(（]\s?\d{4}\s?[〕\]】)）]"
                         r"\s?第?\d+\s?号)|(?P<plain>第\s*[0-9A-Za-z\-]+\s*号)")
_CJK_OPEN = str.maketrans({"[": "〔", "【": "〔", "(": "〔", "（": "〔", "]": "〕", "】": "〕", ")": "〕", "）": "〕"})
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
_AROUND_SIGN = re.compile(r"\s*([\-/])\s*")


def number_value(written: str) -> str:
    """A number as the letter meant it, from how it was written or scanned: no space around
    its "/" and "-", an "O" or "o" between digits a zero and an "l", "I" or "|" a one; a
    Chinese number's brackets 〔〕 and no spaces in it. Only inside a number: "27 O 404/26"
    keeps its register letter."""
    value = _AROUND_SIGN.sub(r"\1", written.strip())
    value = re.sub(r"(?<=\d)[Oo](?=\d)", "0", value)
    value = re.sub(r"(?<=\d)[lI|](?=\d)", "1", value)
    # A German file number's register is letters ("27 O 404/26"): a scan's "27 0 404/26" means O.
    value = re.sub(r"^(\d+\s+)0(\s+\d+/\d{2,4})$", r"\1O\2", value)
    if _HAS_CJK.search(value) and (m := _CJK_NUMBER.fullmatch(value)) and m.group("n"):  # not a court's （2026）
        value = re.sub(r"\s+", "", value.translate(_CJK_OPEN))
    return value


_CASE = tuple(re.compile(p) for p in (
    r"(?:[Дд]ел[оау]|ДЕЛО)\s*№\s*(?P<n>\d[\w\-/]*\w)",
    r"(?:Esas|ESAS)\s+(?:No|NO)\s*:?\s*(?P<n>\d{4}/\d+)",
    r"(?P<n>\d{4}/\d+\s+D\.\s*İş)",
    r"(?<![\w/])(?P<n>(?:HCMP|HCA|HCAL|HCMA|DCCC|HCCC|ESCC|KCCC|FCMC|CACV)\s*\d+/\d{4})",
    r"(?:Gesch[äa]ftsnummer|Aktenzeichen|Az\.)\s*:?\s*(?P<n>\d+\s+(?:[A-Z]{1,3}s?|0)\s+\d+\s?/\s?\d{2,4})",
    r"(?:diligencias\s+previas|procedimiento\s+abreviado|sumario)\s+n\.?\s?º\s*(?P<n>\d+/\d{4})",
    r"(?P<n>[（(]\d{4}[）)][\u4e00-\u9fff]{1,4}\d{1,6}[\u4e00-\u9fff]{1,3}\d+号)",
))
_REGISTER = re.compile(
    r"(?:реестров[а-яё]*\s+запис[а-яё]*|запис[а-яё]*\s+в\s+(?:Едином\s+)?реестр[а-яё]*|register\s+entry)"
    r"\s*(?:№|No\.?|number)?\s*:?\s*(?P<n>\d[\d\-/]*\d)", re.IGNORECASE)
# The letterhead: a letter's first lines, where its own number and date stand.
LETTERHEAD_LINES = 15
PROSE = 100  # characters: a line this long is the letter's text, not its letterhead
CUE_WINDOW = 100
CUE_AFTER = 12  # characters: "kararı", "的决定" right after a body's name
_SENTENCE_BREAK = re.compile(r"\.\s+(?=[A-ZА-ЯЁÇĞİÖŞÜ])|\n\s*\n|。")
_CLAUSE_BREAK = re.compile(r"[.;。\n]")


@cache
def _cue() -> re.Pattern[str]:
    return keywords(data()["decision_cues"])


@cache
def _authority_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    table = data()["authorities"]
    return tuple((kind, re.compile(p)) for kind, patterns in table.items() if not kind.startswith("_")
                 for p in patterns)


def _cued(text: str, start: int, end: int | None = None) -> bool:
    """Whether a word for a decision comes shortly before ``start``, in the same sentence —
    or, for a name ending at ``end``, right after it ("… Başsavcılığı kararı", "…公安局的决定")."""
    window = text[max(0, start - CUE_WINDOW):start]
    window = _SENTENCE_BREAK.split(window)[-1]
    after = _CLAUSE_BREAK.split(text[end:end + CUE_AFTER], maxsplit=1)[0] if end is not None else ""
    return bool(_cue().search(window) or _cue().search(after))


def authorities(text: str) -> list[Found[Authority]]:
    """The bodies named in the text that may have decided an order: every court, and any
    other body named after a word for a decision. In the order written."""
    found: list[Found[Authority]] = []
    for kind, pattern in _authority_patterns():
        for m in pattern.finditer(text):
            group = "name" if "name" in pattern.groupindex else 0
            if kind == "court" or _cued(text, m.start(group), m.end(group)):
                found.append(Found(Authority(m.group(group), kind), m.start(group), m.end(group)))
    found.sort(key=lambda f: (f.start, -f.end))
    out: list[Found[Authority]] = []
    for f in found:  # the longest name at each place; none inside another
        if not out or f.start >= out[-1].end:
            out.append(f)
    return out


def _numbers(text: str, skip: Sequence[tuple[int, int]]) -> list[Found[str]]:
    found: list[Found[str]] = []
    for pattern in (_NUMBER, _CJK_NUMBER):
        for m in pattern.finditer(text):
            group = "n" if m.group("n") is not None else "plain"
            s, e = m.span(group)
            if any(s < b and a < e for a, b in [*skip, *((f.start, f.end) for f in found)]) or not any(
                    c.isdigit() for c in m.group(group)):
                continue
            found.append(Found(number_value(m.group(group)), s, e))
    return sorted(found, key=lambda f: f.start)


def _letterhead_end(text: str) -> int:
    """Where the letterhead ends: at the first line of prose, or after its first lines."""
    end = 0
    for _ in range(LETTERHEAD_LINES):
        nxt = text.find("\n", end)
        line_end = len(text) if nxt < 0 else nxt
        if line_end - end >= PROSE or nxt < 0:
            return end
        end = nxt + 1
    return end


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
NEAR = 150  # characters: how near a word for a decision a date must be to be the decision's


def _near(text: str, at: int) -> tuple[int, int]:
    """The text around ``at`` within its paragraph: where a decision it dates is named."""
    start = max((m.end() for m in _PARAGRAPH_BREAK.finditer(text, 0, at)), default=0)
    after = _PARAGRAPH_BREAK.search(text, at)
    end = after.start() if after else len(text)
    return max(start, at - NEAR), min(end, at + NEAR)


def particulars(text: str, *, dates: Sequence[Found[dt.date]], skip: Sequence[tuple[int, int]],
                is_sender: Callable[[Found[Authority]], bool]) -> tuple[Particulars, Found[str] | None]:
    """The particulars, and the letter's own number (its reference). ``skip``: spans that
    hold numbers of something else (the laws cited); ``is_sender``: whether a body named is
    the one that sent the letter (it did not decide another body's order)."""
    bodies = authorities(text)
    issuing = next((b for b in bodies if not is_sender(b)), None)
    court = next((b for b in bodies if b.value.kind == "court"), None)
    cases = [Found(number_value(m.group("n")), *m.span("n")) for p in _CASE for m in p.finditer(text)]
    case = min(cases, key=lambda f: f.start) if cases else None
    register = _REGISTER.search(text)
    taken = [*skip, *((c.start, c.end) for c in cases)]
    if register:
        taken.append(register.span("n"))
    numbers = _numbers(text, taken)
    head = _letterhead_end(text)
    uncued = [n for n in numbers if not _cued(text, n.start)]
    # The letter's own number: in its letterhead, else the first it gives that is no decision's.
    reference = next((n for n in uncued if n.start < head), uncued[0] if uncued else None)
    cued = next((n for n in numbers if _cued(text, n.start)), None)
    # No decision's number: the letter is the order (its number the order's), or a court's
    # decision, known by its case number.
    number = cued or reference or case
    order_dates = [d for d in dates if not any(d.start < e and s < d.end for s, e in skip)]  # no law's date
    return Particulars(
        issuing_authority=issuing, number=number, date=_order_date(text, order_dates, cued, reference),
        court=Found(court.value.name, court.start, court.end) if court else None, case_number=case,
        register_entry=Found(register.group("n"), *register.span("n")) if register else None,
        deadline=first(pattern_list("deadlines"), text),
    ), reference


def _order_date(text: str, dates: Sequence[Found[dt.date]], cued: Found[str] | None,
                reference: Found[str] | None) -> Found[dt.date] | None:
    """The order's date: the one written beside its number; else the first in a sentence
    about a decision (after the letterhead); else the letter's own; else the first."""
    def nearest(to: Found[str]) -> Found[dt.date] | None:
        near = [d for d in dates if abs(d.start - to.start) < 60 or abs(d.end - to.end) < 60]
        return min(near, key=lambda d: min(abs(d.start - to.end), abs(to.start - d.end))) if near else None

    if cued and (found := nearest(cued)):
        return found
    head = _letterhead_end(text)
    for day in dates:
        s, e = _near(text, day.start)
        if day.start >= head and _cue().search(text[s:e]):
            return day
    if reference and (found := nearest(reference)):
        return found
    return dates[0] if dates else None

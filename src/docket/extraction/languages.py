"""Which language each paragraph is in, and which paragraphs of a bilingual letter
translate which.

Languages are told by lingua among a configured few (``DOCKET_EXTRACT_LANGUAGES``):
choosing among sixteen likely languages instead of seventy-five is both faster and more
accurate, above all on short paragraphs. Addresses, e-mail addresses and numbers are
taken out first (they are in no language), and what is left must have
:data:`MIN_LETTERS` letters (a Chinese character counts three), else the paragraph has no
language.

Bilingual letters carry one text twice: in the authority's language and in English, one
version after the other or paragraph by paragraph. Each run of English paragraphs is
aligned with the nearest run in another language, preferring the one before: in order,
by the numbers and addresses they share and by the share of its run's length each
paragraph has; the run in the national language is the original. Runs of very different
lengths are not translations of each other (an English letter quoting a Russian law's
title)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

MIN_LETTERS = 20
TRANSLATION = "en"  # the language translations are made into
_NOT_WORDS = re.compile(
    r"(?:h(?:tt|xx|\*\*)ps?\S*|www\.\S+|\S+@\S+|\S*(?:\[\.\]|\(\.\)|\[dot\])\S*|\S+\.(?:com|org|net|example)\S*)",
    re.IGNORECASE)
# An e-mail's header lines (docket.extraction.mail): the subject is in the sender's
# language, a From line's name often in English.
_LABELS = re.compile(r"^(?:(?:From|To|Cc|Date):.*|Subject:)", re.MULTILINE)
_HEADERS = re.compile(r"^(?:From|Subject):")
_HAN = re.compile(r"[\u3400-\u9fff\uac00-\ud7af\u3040-\u30ff]")
_ANCHOR = re.compile(r"\d+(?:[./-]\d+)*|(?<![\w.])[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)


@lru_cache(maxsize=4)
def _detector(languages: tuple[str, ...]) -> Any:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    chosen = [Language.from_iso_code_639_1(IsoCode639_1.from_str(code)) for code in languages]
    if len(chosen) == 1:
        chosen.append(Language.ENGLISH if chosen[0] != Language.ENGLISH else Language.GERMAN)
    return LanguageDetectorBuilder.from_languages(*chosen).build()


def supported(code: str) -> bool:
    """Whether lingua knows the ISO 639-1 ``code``."""
    from lingua import IsoCode639_1

    try:
        IsoCode639_1.from_str(code)
    except ValueError:
        return False
    return True


def words_of(text: str) -> str:
    """``text`` without what is in no language (addresses, numbers, e-mail header names)."""
    text = _LABELS.sub(" ", text)
    text = _NOT_WORDS.sub(" ", text)
    return re.sub(r"[\d\W_]+", " ", text).strip()


def detect_all(texts: Sequence[str], languages: Sequence[str]) -> list[str | None]:
    """The ISO 639-1 language of each text, or None where there are too few words."""
    detector = _detector(tuple(languages))
    found: list[str | None] = []
    for text in texts:
        words = words_of(text)
        letters = sum(3 if _HAN.match(c) else 1 for c in words if c.isalpha())
        if letters < MIN_LETTERS:
            found.append(None)
            continue
        language = detector.detect_language_of(words)
        found.append(None if language is None else language.iso_code_639_1.name.lower())
    return found


def anchors(text: str) -> set[str]:
    """Numbers and host-like names of a paragraph: what a translation keeps unchanged."""
    refanged = re.sub(r"\[\.\]|\(\.\)|\[dot\]", ".", text, flags=re.IGNORECASE)
    return {a.lower() for a in _ANCHOR.findall(refanged) if len(a) >= 2}


def link_translations(languages: Sequence[str | None], texts: Sequence[str],
                      sources: Sequence[str]) -> list[int | None]:
    """For each paragraph, the index of the paragraph it translates, or None."""
    links: list[int | None] = [None] * len(texts)
    runs = _runs(languages, texts, sources)
    for at, (language, source, members) in enumerate(runs):
        if language != TRANSLATION:
            continue
        original = _original_run(runs, at, source, sum(len(texts[i]) for i in members), texts)
        if original is not None:
            for english, theirs in _align(members, original, texts):
                links[english] = theirs
    return links


def _runs(languages: Sequence[str | None], texts: Sequence[str],
          sources: Sequence[str]) -> list[tuple[str, str, list[int]]]:
    """Consecutive paragraphs of one language and source; paragraphs with no language
    (an address list) do not break a run."""
    runs: list[tuple[str, str, list[int]]] = []
    for index, (language, source) in enumerate(zip(languages, sources, strict=True)):
        if language is None or _HEADERS.match(texts[index]):  # an e-mail's From and Subject translate nothing
            continue
        if runs and runs[-1][0] == language and runs[-1][1] == source:
            runs[-1][2].append(index)
        else:
            runs.append((language, source, [index]))
    return runs


def _original_run(runs: list[tuple[str, str, list[int]]], at: int, source: str, size: int,
                  texts: Sequence[str]) -> list[int] | None:
    before = [r for r in reversed(runs[:at]) if r[1] == source and r[0] != TRANSLATION][:1]
    after = [r for r in runs[at + 1:] if r[1] == source and r[0] != TRANSLATION][:1]
    for _, _, members in before + after:
        other = sum(len(texts[i]) for i in members)
        # A translation is about as long as its original (Chinese: a third of the English).
        if size / 5 <= other <= size * 3:
            return members
    return None


def _align(english: list[int], original: list[int], texts: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs (translation, original) in order, each paragraph in at most one pair, with the
    most numbers and addresses shared and the most alike shares of their runs' lengths: a
    dynamic programme over the two runs, as sentence aligners do."""
    mine = [anchors(texts[i]) for i in english]
    theirs = [anchors(texts[k]) for k in original]
    size_e = sum(len(texts[i]) for i in english) or 1
    size_o = sum(len(texts[k]) for k in original) or 1

    def score(a: int, b: int) -> float:
        shared = len(mine[a] & theirs[b]) / max(len(mine[a] | theirs[b]), 1)
        x, y = len(texts[english[a]]) / size_e, len(texts[original[b]]) / size_o
        return 2 * shared + min(x, y) / max(x, y, 1e-9)

    m, n = len(english), len(original)
    best = [[0.0] * (n + 1) for _ in range(m + 1)]
    for a in range(1, m + 1):
        for b in range(1, n + 1):
            best[a][b] = max(best[a - 1][b], best[a][b - 1], best[a - 1][b - 1] + score(a - 1, b - 1))
    pairs = []
    a, b = m, n
    while a and b:
        if best[a][b] == best[a - 1][b - 1] + score(a - 1, b - 1):
            pairs.append((english[a - 1], original[b - 1]))
            a, b = a - 1, b - 1
        elif best[a][b] == best[a - 1][b]:
            a -= 1
        else:
            b -= 1
    return pairs[::-1]

"""Which language each paragraph is in, and which paragraphs of a bilingual letter
translate which.

Languages are told by lingua among a configured few (``DOCKET_EXTRACT_LANGUAGES``):
choosing among sixteen likely languages instead of seventy-five is both faster and more
accurate, above all on short paragraphs. Addresses, e-mail addresses and numbers are
taken out first (they are in no language), and what is left must have
:data:`MIN_LETTERS` letters (a Chinese character counts three), else the paragraph has no
language.

Bilingual letters carry one text twice: in the authority's language and in English, one
version after the other or paragraph by paragraph. The English paragraphs of a run are
matched with the nearest run in another language, preferring the one before, by their
place in the run and the numbers and addresses they share; the run in the national
language is the original. Runs of very different lengths are not translations of each
other (an English letter quoting a Russian law's title)."""

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
_LABELS = re.compile(r"^(?:From|Subject|To|Cc|Date):", re.MULTILINE)
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
    runs = _runs(languages, sources)
    for at, (language, source, members) in enumerate(runs):
        if language != TRANSLATION:
            continue
        original = _original_run(runs, at, source, sum(len(texts[i]) for i in members), texts)
        if original is None:
            continue
        for j, index in enumerate(members):
            links[index] = _best(index, j, len(members), original, texts)
    return links


def _runs(languages: Sequence[str | None], sources: Sequence[str]) -> list[tuple[str, str, list[int]]]:
    """Consecutive paragraphs of one language and source; paragraphs with no language
    (an address list) do not break a run."""
    runs: list[tuple[str, str, list[int]]] = []
    for index, (language, source) in enumerate(zip(languages, sources, strict=True)):
        if language is None:
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
        if size / 3 <= other <= size * 3:  # a translation is about as long as its original
            return members
    return None


def _best(index: int, j: int, count: int, original: list[int], texts: Sequence[str]) -> int:
    mine = anchors(texts[index])
    where = j / (count - 1) if count > 1 else 0.5

    def score(k: int) -> float:
        theirs = anchors(texts[original[k]])
        place = k / (len(original) - 1) if len(original) > 1 else 0.5
        return 2 * len(mine & theirs) / max(len(mine | theirs), 1) + (1 - abs(place - where))

    return original[max(range(len(original)), key=score)]

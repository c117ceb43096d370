"""Each paragraph's language, and the English paragraphs of a bilingual letter linked to
the national-language paragraphs they translate."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from docket.documents import detect
from docket.extraction.result import Extraction

from . import corpus

Read = Callable[..., Extraction]


def _text(*paragraphs: str) -> bytes:
    return "\n\n".join(paragraphs).encode()


def test_short_paragraphs_and_address_lists_have_no_language(read: Read) -> None:
    extraction = read(_text("Приложение 1", "1. hxxps://social[.]example/@ural_voice/90211\n2. https://x.example/1",
                            "№ 04-117832-2026 от 19.11.2026"), detect.TEXT)
    assert [p.language for p in extraction.paragraphs] == [None, None, None]
    assert extraction.languages == []


def test_kazakh_is_told_from_russian(read: Read) -> None:
    extraction = read(_text(
        "Министрлік төмендегі мекенжайларда орналастырылған заңсыз ақпаратты жоюды талап етеді.",
        "Министерство требует удалить незаконную информацию, размещённую по следующим адресам."), detect.TEXT)
    assert [p.language for p in extraction.paragraphs] == ["kk", "ru"]


@pytest.mark.parametrize("template", ["ru-rkn", "cn-mps", "tr-btk", "de-lg"])
def test_the_english_version_is_linked_to_the_original(read: Read, template: str) -> None:
    [document] = corpus.generate(kinds=["bilingual"], templates=[template])
    extraction = read(document.data, document.media_type)
    links = {}
    for paragraph in extraction.paragraphs:
        if paragraph.translation_of is not None:
            original = extraction.paragraphs[paragraph.translation_of]
            assert original.language == document.letter.language and paragraph.language == "en"
            links[extraction.text[paragraph.start:paragraph.end][:30]] = extraction.paragraph_text(
                paragraph.translation_of)[:30]
    expected = document.expected_translations()
    assert len(links) == len(expected)
    for english, original in expected:
        [linked] = [theirs for mine, theirs in links.items() if corpus.opening_matches(english, mine)]
        assert corpus.opening_matches(original, linked), (english, linked)


def test_paragraph_by_paragraph_translations_are_linked_to_the_one_before(read: Read) -> None:
    extraction = read(_text(
        "Роскомнадзор требует удалить информацию, содержащую призывы к массовым беспорядкам.",
        "Roskomnadzor requires the removal of information containing calls to mass riots.",
        "Срок исполнения: не позднее суток с момента получения настоящего требования.",
        "Deadline: no later than twenty-four hours after receipt of this demand."), detect.TEXT)
    assert [p.translation_of for p in extraction.paragraphs] == [None, 0, None, 2]


def test_a_short_quotation_in_an_english_letter_is_no_original(read: Read) -> None:
    extraction = read(_text(
        "Федеральный закон «Об информации, информационных технологиях и о защите информации»",
        "We write about the law named above, under which the regulator has asked platforms to remove a great "
        "many posts this year. We ask you to consider the request below on its merits and under your own rules, "
        "and to tell us what you decide, with the reasons, within the time the law allows.",
        "The request concerns three posts by the same account, which we list in the annex to this letter together "
        "with the dates on which they were first published and the number of times they were shared."),
        detect.TEXT)
    assert [p.language for p in extraction.paragraphs] == ["ru", "en", "en"]
    assert [p.translation_of for p in extraction.paragraphs] == [None, None, None]

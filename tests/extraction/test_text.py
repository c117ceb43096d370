"""Plain-text files: the encoding found (UTF-8, a byte-order mark, else a guess that is
named in a warning), paragraphs at blank lines, control characters out."""

from __future__ import annotations

import codecs
from collections.abc import Callable

from docket.documents import detect
from docket.extraction.result import Extraction

Read = Callable[..., Extraction]
LETTER = ("Роскомнадзор требует удалить информацию, размещённую по адресу:\n"
          "https://social.example/@ural_voice/90211\n\n"
          "Срок исполнения: не позднее суток с момента получения требования.")


def test_utf8_text_is_cut_into_paragraphs_at_blank_lines(read: Read) -> None:
    extraction = read(LETTER.encode(), detect.TEXT)
    assert extraction.text == LETTER
    assert [(p.start, p.end) for p in extraction.paragraphs] == [(0, 104), (106, len(LETTER))]
    assert extraction.warnings == []


def test_an_old_windows_1251_letter_is_read_and_the_guess_named(read: Read) -> None:
    extraction = read(LETTER.encode("cp1251"), "text/plain")
    assert extraction.text == LETTER
    assert len(extraction.warnings) == 1
    assert extraction.warnings[0].startswith("the text is not UTF-8; read as ")
    assert "1251" in extraction.warnings[0]


def test_a_byte_order_mark_is_believed(read: Read) -> None:
    assert read(codecs.BOM_UTF16_LE + LETTER.encode("utf-16-le"), "text/plain").text == LETTER
    assert read(codecs.BOM_UTF8 + LETTER.encode(), detect.TEXT).text == LETTER


def test_control_and_direction_characters_are_taken_out(read: Read) -> None:
    sneaky = "Order\x00 17\u202e: remove\r\nthe post\x1b[31m\r\n\r\n\r\n\r\nEnd"
    assert read(sneaky.encode(), detect.TEXT).text == "Order 17: remove\nthe post[31m\n\nEnd"

"""The addresses a proposal reads from a letter: every way letters write them, whose each
is, and which the request lists."""

from __future__ import annotations

import pytest

from docket.extraction.proposals import propose
from tests.extraction.proposal_checks import spans_hold


def read(text, session, settings) -> list[tuple[str | None, str, str]]:
    """(url, kind, the span's text) of each address."""
    p = propose(text, session=session, settings=settings)
    spans_hold(text, p)
    return [(f.value.url, f.value.kind, text[f.start:f.end]) for f in p.addresses]


@pytest.mark.parametrize(("written", "url"), [
    ("hxxps://social[.]example/@aidos/1", "https://social.example/@aidos/1"),
    ("hxxp://social(.)example/@aidos/1", "http://social.example/@aidos/1"),
    ("https[:]//social[dot]example/@aidos/1", "https://social.example/@aidos/1"),
    ("hxxps[://]social[.]example/@aidos/1", "https://social.example/@aidos/1"),
    ("HXXPS://social[.]example/@aidos/1", "https://social.example/@aidos/1"),
    ("social[.]example/@aidos/1", "https://social.example/@aidos/1"),
    ("social.example/@aidos/1", "https://social.example/@aidos/1"),
])
def test_defanged_addresses_are_read_refanged(session, settings, written, url) -> None:
    text = f"Адрес: {written}, размещён 02.12.2026."
    assert read(text, session, settings) == [(url, "content", written)]


@pytest.mark.parametrize("wrapped", [
    "<{}>", "\"{}\"", "“{}”", "«{}»", "({})", "[{}]", "'{}'", "{}.", "{};", "{},", "({}).",
])
def test_an_address_is_read_without_what_wraps_it(session, settings, wrapped) -> None:
    address = "https://social.example/@aidos/1"
    text = "See " + wrapped.format(address) + " now"
    assert read(text, session, settings) == [(address, "content", address)]


def test_brackets_inside_an_address_stay(session, settings) -> None:
    text = "(see https://social.example/@a/1?q=(x)) and [hxxps://social[.]example/@a/2]"
    assert [(u, s) for u, _, s in read(text, session, settings)] == [
        ("https://social.example/@a/1?q=(x)", "https://social.example/@a/1?q=(x)"),
        ("https://social.example/@a/2", "hxxps://social[.]example/@a/2")]


def test_an_address_broken_at_the_line_end_is_joined(session, settings) -> None:
    text = ("1. https://social.example/@long_account_name/status/\n"
            "   1234567890\n"
            "2. https://social.example/@other/\n"
            "photo/55?lang=\n"
            "ru\n"
            "3. https://social.example/@third/77\n"
            "Next sentence starts here.\n")
    assert [(u, s) for u, _, s in read(text, session, settings)] == [
        ("https://social.example/@long_account_name/status/1234567890",
         "https://social.example/@long_account_name/status/\n   1234567890"),
        ("https://social.example/@other/photo/55?lang=ru", "https://social.example/@other/\nphoto/55?lang=\nru"),
        ("https://social.example/@third/77", "https://social.example/@third/77")]


def test_addresses_in_tables_and_lists(session, settings) -> None:
    text = ("| No | URL | Note |\n"
            "|----|-----|------|\n"
            "| 1 | https://social.example/@a/1 | post |\n"
            "| 2 |hxxps://social[.]example/@a/2| video |\n"
            "1\thttps://social.example/@a/3\tphoto\n"
            "a) https://social.example/@a/4\n"
            "• https://social.example/@a/5\n"
            "(6) https://social.example/@a/6\n")
    assert [u for u, _, _ in read(text, session, settings)] == [f"https://social.example/@a/{n}" for n in range(1, 7)]


def test_placeholders_in_a_list_are_withheld_items_not_in_a_sentence(session, settings) -> None:
    text = ("1. https://social.example/@a/1\n"
            "2. [redacted]\n"
            "| 3 | [private] | фото |\n"
            "URL: (URL removed)\n"
            "4. hxxps://[private]/x\n"
            "The victim's name [redacted] is known to the court.\n")
    p = propose(text, session=session, settings=settings)
    spans_hold(text, p)
    assert [(f.value.kind, f.value.written) for f in p.addresses] == [
        ("content", "https://social.example/@a/1"), ("withheld", "[redacted]"), ("withheld", "[private]"),
        ("withheld", "(URL removed)"), ("withheld", "hxxps://[private]/x")]
    assert p.to_request()["items"] == [{"url": "https://social.example/@a/1"}, {"url": "[redacted]"},
                                       {"url": "[private]"}, {"url": "(URL removed)"}, {"url": "hxxps://[private]/x"}]


def test_whose_each_address_is(session, settings) -> None:
    text = ("From: Cyber Unit <unit@cyber.gov.example>\n"
            "1. https://social.example/@a/1\n"
            "2. https://a-blog.pages.social.example/\n"
            "3. https://social.example/\n"
            "4. https://social.example/search?q=x\n"
            "5. https://www.cyber.gov.example/notice/12\n"
            "6. https://www.consultant.ru/document/cons_doc_LAW_61798/\n"
            "7. https://apps.apple.com/app/id123456\n"
            "8. hxxps://evil[.]example/phish\n")
    assert [k for _, k, _ in read(text, session, settings)] == [
        "content", "content", "platform", "platform", "authority", "law", "app_store", "other"]


def test_the_request_lists_the_platforms_content_each_once(session, settings) -> None:
    text = ("1. hxxps://social[.]example/@a/1\n2. https://social.example/@a/2\n"
            "English version: https://social.example/@a/1 and https://social.example/@a/2/ and https://social.example/\n"
            "Our site: https://www.rkn.gov.ru/\n")
    p = propose(text, session=session, settings=settings)
    assert [f.value.written for f in p.items] == ["hxxps://social[.]example/@a/1", "https://social.example/@a/2"]
    assert [f.value.url for f in p.elsewhere] == ["https://social.example/", "https://www.rkn.gov.ru/"]


def test_text_that_only_looks_like_an_address_is_none(session, settings) -> None:
    text = ("ст. 15.1, п. 2.3, 27.07.2006, v1.2.3, e-mail zapros@rkn.gov.ru, Inc. Ltd., "
            "file report.pdf, https://, hxxps://[")
    assert read(text, session, settings) == []


def test_only_the_senders_domain_is_the_authoritys_site(session, settings) -> None:
    text = ("From: Cyber Unit <unit@cyber.gov.example>\n"
            "The victim (victim@mail.example) reported https://mail.example/inbox/1 and "
            "https://cyber.gov.example/report/9.\n")
    assert [(u, k) for u, k, _ in read(text, session, settings)] == [
        ("https://mail.example/inbox/1", "other"), ("https://cyber.gov.example/report/9", "authority")]

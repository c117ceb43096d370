"""docket.notices.render: every notice in every language, escaping, DSA Art. 17 content and
catalog completeness. Pure unit tests: no database."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from functools import cache
from typing import Any

import pytest
from babel import Locale
from babel.dates import format_date
from babel.messages.pofile import read_po
from markupsafe import escape

from docket.notices import render as render_module
from docket.notices.render import KINDS, LANGUAGES, Rendered, extract_messages, render

UTC = dt.UTC
TRANSLATED = tuple(lang for lang in LANGUAGES if lang != "en")
DECIDED = dt.datetime(2025, 3, 4, 13, 5, tzinfo=UTC)
DEADLINE = dt.date(2025, 9, 4)
ENDS = dt.datetime(2026, 3, 4, 0, 0, tzinfo=UTC)
APPEAL_URL = "https://docket.example/appeal?token=abc&x=1"


def sor(**changes: Any) -> dict[str, Any]:
    context = {
        "platform": "Social Example", "content_url": "https://social.example/p/123", "content_id": "c-123",
        "outcome": "restricted", "scope": ["KZ", "RU"], "ends_at": None, "decided_at": DECIDED,
        "ground": "legal", "law": "Law on Mass Media", "provision": "Art. 14", "policy_clause": None,
        "explanation": "The post calls for violence against a named person.", "source": "authority",
        "authority_name": "Ministry of Information", "authority_kind": "government_agency",
        "automated": False, "appeal_url": APPEAL_URL, "appeal_deadline": DEADLINE, "reference": "D-42",
    }
    return {**context, **changes}


def contexts() -> dict[str, dict[str, Any]]:
    return {
        "statement_of_reasons": sor(),
        "effect_given": {
            "platform": "Social Example", "request_id": 17, "reference": "MI-2025/88",
            "authority_name": "Ministry of Information",
            "items": [
                {"position": 1, "url": "https://social.example/p/1", "content_id": "c-1", "outcome": "restricted",
                 "scope": ["KZ"], "decided_at": DECIDED, "reason": None},
                {"position": 2, "url": "https://social.example/p/2", "content_id": None,
                 "outcome": "removed_policy", "scope": ["*"], "decided_at": DECIDED, "reason": "Hate speech"},
                {"position": 3, "url": None, "content_id": "c-3", "outcome": "rejected_overbroad", "scope": None,
                 "decided_at": DECIDED, "reason": "Journalism"},
                {"position": 4, "url": "https://social.example/p/4", "content_id": None, "outcome": None,
                 "scope": None, "decided_at": None, "reason": None},
            ],
        },
        "acknowledgement": {
            "platform": "Social Example", "request_id": 17, "reference": "MI-2025/88",
            "received_at": dt.datetime(2025, 3, 1, 9, 0, tzinfo=UTC), "deadline_at": dt.datetime(2025, 3, 2, 9, 0),
            "items_count": 3, "status": "needs_clarification", "missing": ["legal_basis", "items[2].url"],
        },
        "clarification_requested": {
            "platform": "Social Example", "request_id": 17, "reference": "MI-2025/88", "position": 2,
            "url": "https://social.example/p/2", "content_id": None,
            "question": "Which sentence of the post is said to be false?",
        },
        "reporter_outcome": {
            "platform": "Social Example", "report_reference": "R-9", "content_url": "https://social.example/p/1",
            "outcome": "restricted", "scope": ["DE"], "decided_at": DECIDED, "explanation": "Illegal in Germany.",
            "appeal_url": APPEAL_URL, "appeal_deadline": DEADLINE,
        },
        "request_message": {"platform": "Social Example", "request_id": 481, "reference": "KZ-2025-0042",
                            "body": "Please send the court's order."},
        "appeal_received": {"platform": "Social Example", "appeal_id": 5, "decision_reference": "D-42",
                            "received_at": dt.datetime(2025, 3, 6, 8, 0, tzinfo=UTC)},
        "appeal_decided": {"platform": "Social Example", "appeal_id": 5, "outcome": "reversed",
                           "explanation": "The post is satire.", "content_url": "https://social.example/p/1",
                           "decided_at": dt.datetime(2025, 3, 8, 8, 0, tzinfo=UTC)},
        "restriction_lifted": {"platform": "Social Example", "content_url": "https://social.example/p/1",
                               "content_id": "c-1", "scope": ["KZ", "TR"], "reason": "The appeal succeeded.",
                               "lifted_at": dt.datetime(2025, 3, 8, 8, 0, tzinfo=UTC)},
    }


@cache
def catalog(lang: str) -> Any:
    with (render_module.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def tr(lang: str, msgid: str) -> str:
    """``msgid`` in ``lang``, read from the .po file (English: the msgid itself)."""
    return msgid if lang == "en" else catalog(lang)[msgid].string


def esc(text: str) -> str:
    """``text`` as the HTML part shows it (Jinja2's autoescape)."""
    return str(escape(text))


def territory(lang: str, code: str) -> str:
    return Locale.parse(lang).territories[code]


# ---------------------------------------------------------------- every kind, every language


def test_kinds_are_the_nine_notices() -> None:
    assert set(KINDS) == {"statement_of_reasons", "effect_given", "acknowledgement", "reporter_outcome",
                          "request_message", "appeal_received", "appeal_decided", "restriction_lifted",
                          "clarification_requested"}
    assert LANGUAGES == ("en", "ru", "kk", "de", "tr")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_in_every_language(kind: str, lang: str) -> None:
    rendered = render(kind, lang, contexts()[kind])
    assert isinstance(rendered, Rendered)
    assert rendered.language == lang
    assert rendered.subject and "\n" not in rendered.subject and rendered.subject == rendered.subject.strip()
    assert rendered.text.endswith("\n") and "\n\n\n" not in rendered.text
    assert "Social Example" in rendered.text
    # a complete small document, inline CSS only, nothing loaded from elsewhere
    page = rendered.html
    assert page.startswith("<!DOCTYPE html>\n") and page.rstrip().endswith("</html>")
    assert f'<html lang="{lang}">' in page and '<meta charset="utf-8">' in page
    assert f"<title>{esc(rendered.subject)}</title>" in page
    for forbidden in ("<style", "<link", "<script", "<img", "<iframe", " src=", "url(", "@import"):
        assert forbidden not in page.lower()
    for part in (rendered.subject, rendered.text, page):
        assert "%(" not in part and "{{" not in part and "{%" not in part and "Undefined" not in part


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("kind", KINDS)
def test_translated_notices_contain_no_english_sentences(kind: str, lang: str) -> None:
    rendered = render(kind, lang, contexts()[kind])
    english = render(kind, "en", contexts()[kind])
    assert rendered.subject != english.subject and rendered.text != english.text
    sentences = [m for m in extract_messages() if isinstance(m, str) and len(m) > 15 and " " in m]
    for msgid in sentences:
        plain = msgid.split("%(")[0].strip()
        if len(plain) > 15:
            assert plain not in rendered.text, (lang, msgid)
            assert esc(plain) not in rendered.html, (lang, msgid)


@pytest.mark.parametrize("language", ["fr", None, "", "xx-YY", "english"])
def test_other_languages_fall_back_to_english(language: str | None) -> None:
    context = contexts()["statement_of_reasons"]
    rendered = render("statement_of_reasons", language, context)
    assert rendered.language == "en"
    assert rendered == render("statement_of_reasons", "en", context)
    assert "Kazakhstan and Russia" in rendered.text
    assert '<html lang="en">' in rendered.html


@pytest.mark.parametrize(("language", "used"), [("de-AT", "de"), ("RU", "ru"), ("kk_KZ", "kk"), ("tr-TR", "tr")])
def test_a_regional_tag_uses_its_language(language: str, used: str) -> None:
    assert render("appeal_received", language, contexts()["appeal_received"]).language == used


def test_unknown_kind_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown notice kind"):
        render("birthday_greeting", "en", {})


@pytest.mark.parametrize(("kind", "change"), [
    ("statement_of_reasons", {"outcome": "no_action"}),
    ("statement_of_reasons", {"ground": "vibes"}),
    ("statement_of_reasons", {"source": "rumour"}),
    ("statement_of_reasons", {"scope": []}),
    ("statement_of_reasons", {"appeal_url": None}),
    ("acknowledgement", {"status": "closed"}),
    ("appeal_decided", {"outcome": "maybe"}),
    ("reporter_outcome", {"outcome": "banished"}),
    ("effect_given", {"items": [{"position": 1, "outcome": "vaporised"}]}),
])
def test_bad_context_is_a_value_error(kind: str, change: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        render(kind, "en", {**contexts()[kind], **change})


def test_missing_required_key_is_a_value_error() -> None:
    context = contexts()["appeal_received"]
    del context["received_at"]
    with pytest.raises(ValueError, match="received_at"):
        render("appeal_received", "en", context)


def test_optional_keys_may_be_left_out_and_extra_keys_are_ignored() -> None:
    rendered = render("appeal_received", "en", {"platform": "P", "appeal_id": 1, "received_at": DECIDED,
                                                 "outcome": "open", "unrelated": object()})
    assert "Decision appealed" not in rendered.text
    rendered = render("reporter_outcome", "de", {"platform": "P", "report_reference": "R-1", "outcome": None})
    assert tr("de", "Still under review") in rendered.text


def test_enum_values_are_accepted() -> None:
    class Outcome(StrEnum):
        restricted = "restricted"

    rendered = render("statement_of_reasons", "en", sor(outcome=Outcome.restricted))
    assert "withheld your content in Kazakhstan and Russia" in rendered.text


# ---------------------------------------------------------------- escaping


NASTY = "<script>alert('x')</script> & <b>bold</b>"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_part_is_escaped_and_text_part_is_verbatim(lang: str) -> None:
    rendered = render("statement_of_reasons", lang, sor(explanation=NASTY, authority_name="Court <A&B>",
                                                        platform="P&<Q>"))
    assert NASTY in rendered.text and "Court <A&B>" in rendered.text and "P&<Q>" in rendered.text
    assert "<script>" not in rendered.html and "<b>bold</b>" not in rendered.html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in rendered.html
    assert "Court &lt;A&amp;B&gt;" in rendered.html and "P&amp;&lt;Q&gt;" in rendered.html


@pytest.mark.parametrize(("kind", "key"), [("reporter_outcome", "explanation"), ("appeal_decided", "explanation"),
                                           ("restriction_lifted", "reason"), ("clarification_requested", "question")])
def test_free_text_of_every_kind_is_escaped(kind: str, key: str) -> None:
    rendered = render(kind, "ru", {**contexts()[kind], key: NASTY})
    assert NASTY in rendered.text
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html


def test_effect_given_escapes_item_values() -> None:
    context = contexts()["effect_given"]
    context["items"][0] = {**context["items"][0], "reason": NASTY, "url": "https://e.example/?a=1&b=<2>"}
    context["authority_name"] = "<Ministry>"
    rendered = render("effect_given", "kk", context)
    assert NASTY in rendered.text and "<Ministry>" in rendered.text
    assert "<script>" not in rendered.html and "&lt;Ministry&gt;" in rendered.html
    assert 'href="https://e.example/?a=1&amp;b=&lt;2&gt;"' in rendered.html


def test_only_web_and_mail_urls_become_links() -> None:
    rendered = render("statement_of_reasons", "en", sor(content_url="javascript:alert(1)"))
    assert "javascript:alert(1)" in rendered.html and 'href="javascript' not in rendered.html
    assert f'href="{esc(APPEAL_URL)}"' in rendered.html


# ---------------------------------------------------------------- DSA Art. 17 statement of reasons


@pytest.mark.parametrize("lang", LANGUAGES)
def test_statement_of_reasons_has_the_article_17_elements(lang: str) -> None:
    rendered = render("statement_of_reasons", lang, sor())
    for part in (rendered.text, rendered.html):
        # the measure, with its territorial scope (countries by name, in the language) and duration
        assert territory(lang, "KZ") in part and territory(lang, "RU") in part
        assert tr(lang, "indefinitely") in part
        # facts: who asked, under which law
        assert "Ministry of Information" in part and tr(lang, "government agency") in part
        assert "Law on Mass Media, Art. 14" in part
        # automated means
        assert tr(lang, "No automated means were used: people reviewed this content "
                        "and took this decision.") in part
        # the ground and its explanation
        assert "The post calls for violence against a named person." in part
        # redress: the appeal link and deadline, out-of-court settlement and courts
        assert format_date(DEADLINE, format="long", locale=lang) in part
        assert tr(lang, "You can also refer the decision to a certified out-of-court dispute settlement "
                        "body, or challenge it in court. These options remain open whether or not you "
                        "appeal to us.") in part
        assert format_date(DECIDED, format="long", locale=lang) in part
        assert "D-42" in part
    assert APPEAL_URL in rendered.text
    assert esc(APPEAL_URL) in rendered.html
    law_sentence = tr(lang, "Legal ground: the content is illegal under %(law)s.") % {
        "law": "Law on Mass Media, Art. 14"}
    assert law_sentence in rendered.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_statement_of_reasons_with_an_end_date(lang: str) -> None:
    rendered = render("statement_of_reasons", lang, sor(ends_at=ENDS))
    assert format_date(ENDS, format="long", locale=lang) in rendered.text
    assert format_date(ENDS, format="long", locale=lang) in rendered.html
    assert tr(lang, "indefinitely") not in rendered.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_statement_of_reasons_for_a_rules_violation(lang: str) -> None:
    rendered = render("statement_of_reasons", lang, sor(
        outcome="removed_policy", scope=["*"], ground="policy", law=None, provision=None,
        policy_clause="Community Standards §4 (hate speech)", source="user_report", authority_name=None,
        authority_kind=None, automated=True))
    text = rendered.text
    assert tr(lang, "We have removed your content everywhere because it breaks the rules of %(platform)s.") % {
        "platform": "Social Example"} in text
    assert tr(lang, "everywhere") in text
    assert "Community Standards §4 (hate speech)" in text
    assert tr(lang, "The decision follows a report from a user of %(platform)s.") % {
        "platform": "Social Example"} in text
    assert tr(lang, "Automated means were used to detect or assess this content.") in text
    assert "Ministry" not in text and territory(lang, "KZ") not in text


@pytest.mark.parametrize("source", ["trusted_flagger", "own_initiative"])
def test_statement_of_reasons_names_the_source(source: str) -> None:
    text = render("statement_of_reasons", "en", sor(source=source, authority_name=None, authority_kind=None)).text
    expected = {"trusted_flagger": "a notice from a trusted flagger", "own_initiative": "on our own initiative"}
    assert expected[source] in text


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("kind", "words"), [("national_cert", "national CERT"),
                                             ("industry_association", "industry association"),
                                             ("internet_governance", "internet governance body")])
def test_statement_of_reasons_names_an_organisation_that_is_not_an_authority(lang: str, kind: str, words: str) -> None:
    """A notice from a national CERT or an industry association is neither a public
    authority's order nor a user's report: the statement names the organisation."""
    text = render("statement_of_reasons", lang, sor(source="organisation", authority_name="CERT-KZ",
                                                    authority_kind=kind)).text
    sentence = tr(lang, "The decision follows a notice from an organisation: %(name)s (%(kind)s).")
    assert sentence % {"name": "CERT-KZ", "kind": tr(lang, words)} in text
    assert tr(lang, "The decision follows a report from a user of %(platform)s.") % {"platform": "Social Example"} \
        not in text
    anonymous = render("statement_of_reasons", lang, sor(source="organisation", authority_name=None,
                                                         authority_kind=None)).text
    assert tr(lang, "The decision follows a notice from an organisation.") in anonymous


def test_statement_of_reasons_withheld_everywhere() -> None:
    text = render("statement_of_reasons", "en", sor(scope=["*"])).text
    assert "We have withheld your content everywhere." in text
    assert "Territorial scope: everywhere" in text


def test_country_codes_unknown_to_babel_are_shown_as_codes() -> None:
    text = render("statement_of_reasons", "de", sor(scope=["kz", "XK", "QQ"])).text
    assert "Kasachstan" in text and "Kosovo" in text and "QQ" in text


def test_datetimes_are_shown_in_utc() -> None:
    almaty = dt.timezone(dt.timedelta(hours=5))
    text = render("appeal_received", "en", {**contexts()["appeal_received"],
                                           "received_at": dt.datetime(2025, 3, 7, 2, 30, tzinfo=almaty)}).text
    assert "March 6, 2025, 9:30\u202fPM UTC" in text or "March 6, 2025, 9:30 PM UTC" in text
    naive = render("appeal_received", "de", {**contexts()["appeal_received"],
                                            "received_at": dt.datetime(2025, 3, 7, 2, 30)}).text
    assert "7. März 2025, 02:30 UTC" in naive


# ---------------------------------------------------------------- the other kinds


@pytest.mark.parametrize("lang", LANGUAGES)
def test_effect_given_lists_every_item(lang: str) -> None:
    rendered = render("effect_given", lang, contexts()["effect_given"])
    for part, shown in ((rendered.text, str), (rendered.html, esc)):
        expected = [
            tr(lang, "Withheld in %(countries)s") % {"countries": territory(lang, "KZ")},
            tr(lang, "Removed everywhere for breaking the platform's rules"),
            tr(lang, "No action was taken: the restriction requested was broader than necessary"),
            tr(lang, "Still under review"), tr(lang, "not decided yet"),
            format_date(DECIDED, format="long", locale=lang),
            "MI-2025/88", "Ministry of Information", "Hate speech", "Journalism",
        ]
        for words in expected:
            assert shown(words) in part, (lang, words)
    body = rendered.html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr>") == 4  # one row per item
    assert tr(lang, "We will write to you again when the items still under review are decided.") in rendered.text


@pytest.mark.parametrize("outcome", sorted(render_module.ITEM_OUTCOMES))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_outcome_has_words(outcome: str, lang: str) -> None:
    item = {"position": 1, "url": "https://e.example/1", "content_id": None, "outcome": outcome,
            "scope": ["KZ"] if outcome == "restricted" else None, "decided_at": DECIDED, "reason": None}
    text = render("effect_given", lang, {**contexts()["effect_given"], "items": [item]}).text
    line = next(line for line in text.splitlines() if line.strip().startswith(tr(lang, "Outcome") + ":"))
    words = line.split(":", 1)[1].strip()
    assert words and words != outcome and "_" not in words


@pytest.mark.parametrize(("lang", "count", "expected"), [
    ("en", 1, "The request concerns 1 item."), ("en", 4, "The request concerns 4 items."),
    ("ru", 1, "Запрос содержит 1 позицию."), ("ru", 3, "Запрос содержит 3 позиции."),
    ("ru", 5, "Запрос содержит 5 позиций."), ("ru", 21, "Запрос содержит 21 позицию."),
    ("de", 1, "Die Anfrage umfasst 1 Eintrag."), ("de", 2, "Die Anfrage umfasst 2 Einträge."),
    ("kk", 2, "Сұраныс 2 тармақтан тұрады."), ("tr", 2, "Talep 2 öğe içeriyor."),
])
def test_acknowledgement_counts_items_with_plurals(lang: str, count: int, expected: str) -> None:
    text = render("acknowledgement", lang, {**contexts()["acknowledgement"], "items_count": count}).text
    assert expected in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_acknowledgement_lists_what_is_missing(lang: str) -> None:
    rendered = render("acknowledgement", lang, {**contexts()["acknowledgement"],
                                                "missing": ["legal_basis", "items[2].url", "something_new"]})
    assert tr(lang, "the legal basis: the law and the provision the request relies on") in rendered.text
    assert tr(lang, "the exact URL of item %(position)s") % {"position": 2} in rendered.text
    assert "something_new" in rendered.text
    assert rendered.html.count("<li>") == 3
    assert rendered.subject == tr(lang, "Request %(request_id)s: more information needed") % {"request_id": 17}


def test_acknowledgement_of_a_complete_request_gives_the_deadline() -> None:
    rendered = render("acknowledgement", "en", {**contexts()["acknowledgement"], "status": "open", "missing": []})
    assert rendered.subject == "Request 17 received"
    assert "Deadline for our decision: March 2, 2025" in rendered.text
    assert "need the following" not in rendered.text


def test_reporter_outcome_without_appeal_link() -> None:
    rendered = render("reporter_outcome", "en", {**contexts()["reporter_outcome"], "outcome": "no_action",
                                                  "scope": None, "appeal_url": None, "appeal_deadline": None})
    assert "No action was taken" in rendered.text
    assert "internal complaint system" not in rendered.text
    assert "out-of-court dispute settlement" in rendered.text


@pytest.mark.parametrize(("outcome", "words"), [("upheld", "upheld the original decision"),
                                                ("reversed", "reversed the original decision")])
def test_appeal_decided(outcome: str, words: str) -> None:
    text = render("appeal_decided", "en", {**contexts()["appeal_decided"], "outcome": outcome}).text
    assert words in text and "The post is satire." in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_restriction_lifted_names_the_countries(lang: str) -> None:
    rendered = render("restriction_lifted", lang, contexts()["restriction_lifted"])
    assert territory(lang, "KZ") in rendered.text and territory(lang, "TR") in rendered.text
    assert "c-1" in rendered.subject


# ---------------------------------------------------------------- catalogs


def test_templates_use_translatable_strings() -> None:
    messages = extract_messages()
    assert len(messages) > 80
    assert "indefinitely" in messages
    assert ("The request concerns %(num)s item.", "The request concerns %(num)s items.") in messages


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalog_is_complete(lang: str) -> None:
    po = catalog(lang)
    used = extract_messages()
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in po if m.id}
    singular = {m if isinstance(m, str) else m[0] for m in used}
    assert not singular - ids, f"{lang}: untranslated: {sorted(singular - ids)}"
    assert not ids - singular, f"{lang}: no longer used (remove them): {sorted(ids - singular)}"
    for msgid in used:
        message = po[msgid if isinstance(msgid, str) else msgid[0]]
        assert not message.fuzzy, (lang, msgid)
        if isinstance(msgid, tuple):
            assert message.id == msgid, (lang, msgid)
            assert isinstance(message.string, tuple) and len(message.string) == po.num_plurals
            assert all(form.strip() for form in message.string), (lang, msgid)
        else:
            assert isinstance(message.string, str) and message.string.strip(), (lang, msgid)
            placeholders = sorted(re.findall(r"%\((\w+)\)s", msgid))
            assert sorted(re.findall(r"%\((\w+)\)s", message.string)) == placeholders, (lang, msgid)
            assert "%" not in re.sub(r"%\(\w+\)s", "", message.string), (lang, msgid)
    problems = [(message.id, errors) for message, errors in po.check()]
    assert not problems, problems


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalog_compiles_in_memory(lang: str) -> None:
    translations = render_module._translations(lang)
    assert translations.gettext("indefinitely") == tr(lang, "indefinitely") != "indefinitely"
    assert render_module._translations(lang) is translations  # cached


def test_every_kind_has_its_templates() -> None:
    for kind in KINDS:
        for name in ("subject.txt", "body.txt", "body.html"):
            assert (render_module.TEMPLATES_DIR / kind / name).is_file(), (kind, name)


@pytest.mark.parametrize("kind", ["statement_of_reasons", "effect_given", "restriction_lifted"])
def test_country_names_are_escaped_in_html(kind: str) -> None:
    context = contexts()[kind]
    if kind == "effect_given":
        context["items"][0]["scope"] = ["BA"]
    else:
        context["scope"] = ["BA"]
    rendered = render(kind, "en", context)
    assert "Bosnia & Herzegovina" in rendered.text
    assert "Bosnia &amp; Herzegovina" in rendered.html and "Bosnia & Herzegovina" not in rendered.html


def test_templates_reach_the_shared_phrases_only_through_phrase() -> None:
    # A macro takes its caller's escaping mode: imported into an HTML template, the
    # plain-text phrases would come back unescaped. phrase() returns plain text instead.
    for path in render_module.TEMPLATES_DIR.rglob("*"):
        if path.is_file() and path.name != render_module.PHRASES_TEMPLATE:
            assert render_module.PHRASES_TEMPLATE not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_clarification_request_quotes_the_question_and_names_the_item(lang: str) -> None:
    context = contexts()["clarification_requested"]
    rendered = render("clarification_requested", lang, context)
    assert "17" in rendered.subject
    assert context["question"] in rendered.text and esc(context["question"]) in rendered.html
    assert tr(lang, "Item %(position)s") % {"position": 2} in rendered.text
    assert "https://social.example/p/2" in rendered.text and 'href="https://social.example/p/2"' in rendered.html
    assert "MI-2025/88" in rendered.text


ACCOUNT_SENTENCES = {
    "restricted": "We have suspended your account in %(countries)s: people there can no longer see any of its "
                  "content; it remains visible elsewhere.",
    "everywhere": "We have suspended your account everywhere: none of its content can be seen.",
    "removed_policy": "We have removed your account everywhere because it breaks the rules of %(platform)s.",
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("case", "changes"), [
    ("restricted", {}), ("everywhere", {"scope": ["*"]}),
    ("removed_policy", {"outcome": "removed_policy", "ground": "policy", "policy_clause": "3.2"}),
])
def test_a_statement_about_an_account_says_the_account_is_restricted(lang: str, case: str,
                                                                     changes: dict[str, Any]) -> None:
    rendered = render("statement_of_reasons", lang, sor(account=True, **changes))
    sentence = tr(lang, ACCOUNT_SENTENCES[case]).split("%(")[0].strip()
    assert sentence and sentence in rendered.text and esc(sentence) in rendered.html, (lang, case)
    content = render("statement_of_reasons", lang, sor(**changes))
    assert sentence not in content.text


REFERRED_ONLY = ("The request asks only for user data, which this desk does not handle: it was recorded and "
                 "referred, and nothing more will be done here. Where to send it is shown with the request.")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_acknowledgement_of_a_request_for_user_data_only_says_it_was_referred(lang: str) -> None:
    context = {**contexts()["acknowledgement"], "status": "decided", "missing": [], "items_count": 0}
    rendered = render("acknowledgement", lang, context)
    assert tr(lang, REFERRED_ONLY) in rendered.text
    assert tr(lang, "The request is complete and is now in our review queue.") not in rendered.text


MEASURES = [
    {"position": 1, "kind": "restrict_content", "scope": ["KZ"], "account": None, "outcome": "refused",
     "explanation": "The post is reporting <b>news</b>.", "referral": None, "item_position": None},
    {"position": 2, "kind": "restrict_account", "scope": ["*"], "account": "acct-9", "outcome": "fallback",
     "explanation": None, "referral": None, "item_position": 5},
    {"position": 3, "kind": "preserve_data", "scope": [], "account": "acct-9", "outcome": "referred",
     "explanation": None, "referral": "https://lers.example/", "item_position": None},
    {"position": 4, "kind": "remove_global", "scope": ["*"], "account": None, "outcome": None,
     "explanation": None, "referral": None, "item_position": None},
]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_effect_given_says_what_was_decided_on_each_measure(lang: str) -> None:
    context = {**contexts()["effect_given"], "jurisdiction": "KZ", "measures": MEASURES}
    rendered = render("effect_given", lang, context)
    kz = territory(lang, "KZ")
    for shown in (tr(lang, "Measures asked for"), tr(lang, "Restrict the content in %(countries)s") % {"countries": kz},
                  tr(lang, "Not done"), "The post is reporting <b>news</b>.",
                  tr(lang, "Restrict the account %(account)s everywhere") % {"account": "acct-9"},
                  tr(lang, "Not done as asked; the lesser measure your request accepted was taken: withheld in "
                           "%(countries)s only") % {"countries": kz},
                  tr(lang, "Decided with the decision on item %(position)s") % {"position": 5},
                  tr(lang, "Preserve the user data of %(account)s") % {"account": "acct-9"},
                  tr(lang, "Referred: this desk does not handle requests for user data; send this part of your "
                           "request to %(referral)s") % {"referral": "https://lers.example/"},
                  tr(lang, "Remove the content everywhere"), tr(lang, "See the items above")):
        assert shown in rendered.text and esc(shown) in rendered.html, (lang, shown)
    assert "<b>news</b>" not in rendered.html
    # Without measures (a request that named none) the section is left out.
    assert tr(lang, "Measures asked for") not in render("effect_given", lang, contexts()["effect_given"]).text


def test_an_unknown_measure_is_a_value_error() -> None:
    for bad in ({"kind": "arrest"}, {"kind": "disclose_data", "outcome": "maybe"}):
        with pytest.raises(ValueError, match="measure"):
            render("effect_given", "en", {**contexts()["effect_given"], "measures": [{**MEASURES[0], **bad}]})

"""The measures, reason, language and sender a proposal reads, and how the request's
body says them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from docket.extraction.proposals import Found, propose
from docket.intake.schemas import RequestCreate
from docket.parties import service as parties
from tests.extraction.proposal_checks import spans_hold

POST = "https://social.example/@a/1"


@pytest.mark.parametrize(("text", "kinds"), [
    (f"Please remove {POST} globally.", ["remove_global"]),
    (f"Bitte sperren Sie {POST} in Deutschland.", ["restrict_content"]),
    (f"Требуем ограничить доступ к {POST}.", ["restrict_content"]),
    (f"{POST} içeriğine erişimin engellenmesi rica olunur.", ["restrict_content"]),
    (f"Se solicita la retirada de {POST}.", ["remove_global"]),
    (f"请删除 {POST}", ["remove_global"]),
    (f"Please suspend the account @spam_bot_77 ({POST}).", ["restrict_account"]),
    ("Please disclose the subscriber information of @spam_bot_77.", ["disclose_data"]),
    ("Please preserve all data of the account @spam_bot_77 for 90 days.", ["preserve_data"]),
])
def test_the_measures_asked(session, settings, text, kinds) -> None:
    p = propose(text, session=session, settings=settings)
    spans_hold(text, p)
    assert [m.value.kind for m in p.measures] == kinds


def test_the_accounts_named_after_each_measure(session, settings) -> None:
    text = ("1. Remove the posts https://social.example/@bully/1 and https://social.example/@bully/2.\n"
            "2. Block the account in the Republic of Kazakhstan:\n   https://social.example/@bully\n"
            "3. Provide the registration data of @bully_backup.\n")
    p = propose(text, session=session, settings=settings)
    assert [(m.value.kind, m.value.account and text[m.value.account.start:m.value.account.end])
            for m in p.measures] == [
        ("remove_global", None), ("restrict_account", "bully"), ("disclose_data", "bully_backup")]
    assert [text[m.start:m.end] for m in p.measures] == ["Remove", "Block the account", "Provide the registration data"]
    body = p.to_request()
    assert body["requested_action"] == "remove" and body["measures"] == [
        {"kind": "remove_global", "fallback": False}, {"kind": "restrict_account", "account": "bully"},
        {"kind": "disclose_data", "account": "bully_backup"}]
    RequestCreate.model_validate(body)


@pytest.mark.parametrize("fallback", [
    "If that is not possible, at least block it in our country.",
    "В случае невозможности удаления — как минимум ограничить доступ на территории Республики Казахстан.",
    "Si no fuera posible, al menos bloquear el acceso en España.",
])
def test_at_least_withheld_in_the_country_is_a_fallback_of_the_removal(session, settings, fallback) -> None:
    text = f"Please remove {POST} everywhere (удалить). {fallback}"
    p = propose(text, session=session, settings=settings)
    assert ("remove_global", True) in [(m.value.kind, m.value.fallback) for m in p.measures]
    assert p.to_request()["measures"][0] == {"kind": "remove_global", "fallback": True}


def test_only_withholding_asked_is_intakes_default(session, settings) -> None:
    body = propose(f"Bitte sperren Sie {POST} in Deutschland.", session=session, settings=settings).to_request()
    assert "measures" not in body and "requested_action" not in body


@pytest.mark.parametrize(("text", "reason"), [
    ("Материалы содержат призывы к террористической деятельности.", "terrorist_content"),
    ("Bu paylaşımlar hakaret ve iftira içermektedir.", "defamation"),
    ("The post contains a death threat against a journalist.", "violence"),
    ("El perfil ofrece estupefacientes.", "drug_abuse"),
    ("该账号发布诈骗信息。", "fraud"),
    ("Der Beitrag verletzt das Urheberrecht des Verlags.", "copyright"),
    ("A phishing page steals the bank's customers' passwords; phishing again.", "fraud"),
    ("Материалда ұлтаралық араздықты қоздыратын шақырулар бар.", "hate_speech"),
    ("The material calls for ethnic hatred.", "hate_speech"),
    ("Публикация направлена на возбуждение межнациональной розни.", "hate_speech"),
])
def test_the_reason_from_the_catalogs_reasons(session, settings, text, reason) -> None:
    p = propose(text, session=session, settings=settings)
    assert p.reason is not None and p.reason.value == reason
    assert p.to_request()["reason"] == reason


def test_the_explanation_is_the_sentence_that_says_why(session, settings) -> None:
    """The request's explanation is proposed as the sentence with the reason's words, its
    lines joined — a bilingual letter's first such sentence; nothing when no reason is read."""
    text = ("Құрметті әріптестер!\n\nКелесі материалға қолжетімділікті шектеуді сұрайды:\n\n"
            f"  {POST}\n\nМатериалда ұлтаралық араздықты\nқоздыратын шақырулар бар. Рақмет.\n\n"
            "Dear colleagues,\n\nThe material calls for ethnic hatred.\n")
    p = propose(text, session=session, settings=settings)
    assert p.explanation is not None
    assert p.explanation.value == "Материалда ұлтаралық араздықты қоздыратын шақырулар бар."
    assert text[p.explanation.start:p.explanation.end].startswith("Материалда")
    spans_hold(text, p)
    body = p.to_request()
    assert body["explanation"] == p.explanation.value and body["reason"] == "hate_speech"
    RequestCreate.model_validate({**body, "jurisdiction": "KZ"})
    none = propose(f"Please remove {POST}.", session=session, settings=settings)
    assert none.explanation is None and "explanation" not in none.to_request()


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    language: str | None


def test_the_language_from_the_paragraphs_when_given(session, settings) -> None:
    kk = ("«Онлайн-платформалар және онлайн-жарнама туралы» Қазақстан Республикасы Заңының 9-бабына сәйкес "
          "мынадай материалдарды жоюды талап етеміз.")
    en = "Under Article 9 of the Law we require the removal of the materials in the list."
    text = f"{kk}\n\n{en}"
    assert propose(text, session=session, settings=settings).language == Found("en", 0, len(text))
    paragraphs = [Paragraph(0, len(kk), "kk"), Paragraph(len(kk) + 2, len(text), "en")]
    assert propose(text, session=session, settings=settings, paragraphs=paragraphs).language == Found("kk", 0, len(kk))


def test_the_sender_by_its_email_address_domain_or_name(session, settings) -> None:
    ministry = parties.create_submitter(session=session, actor="test", name="Ministry of Digital Affairs",
                                        kind="government_agency", country="KZ", email="notices@mda.gov.kz")
    court = parties.create_submitter(session=session, actor="test", name="Landgericht Berlin", kind="court",
                                     country="DE")
    cases = [
        ("From: notices@mda.gov.kz\nLandgericht Berlin", ministry.id, "email", "notices@mda.gov.kz"),
        ("From: a.nurlanova@mda.gov.kz\nPlease remove", ministry.id, "domain", "a.nurlanova@mda.gov.kz"),
        ("LANDGERICHT\nBERLIN\nBeschluss", court.id, "name", "LANDGERICHT\nBERLIN"),
    ]
    for text, submitter, by, written in cases:
        p = propose(text, session=session, settings=settings)
        assert p.sender is not None and (p.sender.value.submitter_id, p.sender.value.by) == (submitter, by)
        assert text[p.sender.start:p.sender.end] == written
    assert propose("From: someone@example.org", session=session, settings=settings).sender is None


def test_the_senders_country_outweighs_the_letters_words(session, settings) -> None:
    parties.create_submitter(session=session, actor="test", name="Embassy Liaison Office", kind="government_agency",
                             country="KZ", email="liaison@embassy.example")
    text = "From: liaison@embassy.example\nНа территории Российской Федерации и в Republic of Türkiye …"
    p = propose(text, session=session, settings=settings)
    assert p.country is not None and p.country.value == "KZ"
    assert text[p.country.start:p.country.end] == "liaison@embassy.example"


def test_a_minor_insulted_is_cyberbullying_not_child_sexual_abuse(session, settings) -> None:
    text = "Публикации содержат систематические оскорбления несовершеннолетней, её травлю."
    p = propose(text, session=session, settings=settings)
    assert p.reason is not None and p.reason.value == "cyberbullying"
    text = "Материалы содержат детскую порнографию."
    assert propose(text, session=session, settings=settings).reason == Found("child_safety", 19, 38)

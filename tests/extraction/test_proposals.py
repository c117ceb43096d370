"""From a letter's text, a proposed request: the values of eight authorities' letters,
each span holding what its value claims, and the proposal sent through intake."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from sqlalchemy.orm import Session

from docket import store
from docket.catalog import service as catalog
from docket.extraction import proposals
from docket.extraction.proposal_text import data
from docket.extraction.proposals import Found, Proposal, propose
from docket.intake import schemas
from docket.intake.models import AuthorityKind, MeasureKind
from docket.intake.schemas import RequestCreate
from docket.settings import Settings
from tests.extraction import proposal_letters as letters
from tests.extraction.proposal_checks import make_known, spans_hold


@pytest.fixture
def known(session: Session) -> dict[str, int]:
    """The authorities of the letters, known to docket as submitters (short name → id)."""
    return make_known(session)


def proposed(text: str, session: Session, settings: Settings) -> Proposal:
    proposal = propose(text, session=session, settings=settings)
    spans_hold(text, proposal)
    RequestCreate.model_validate(proposal.to_request())  # what intake would take
    return proposal


def value(found: Found[Any] | None) -> Any:
    return found.value if found is not None else None


def addresses(p: Proposal) -> list[tuple[str | None, str]]:
    return [(f.value.url, f.value.kind) for f in p.addresses]


def order(p: Proposal) -> dict[str, Any]:
    o = p.order
    authority = o.issuing_authority.value if o.issuing_authority else None
    return {"authority": (authority.name, authority.kind) if authority else None,
            **{name: getattr(o, name).value if getattr(o, name) else None
               for name in ("number", "date", "court", "case_number", "register_entry", "deadline")}}


def laws(p: Proposal) -> list[tuple[str, str | None, tuple[str, ...], bool]]:
    return [(f.value.citation, f.value.law, f.value.candidates, f.value.suggestion is not None) for f in p.laws]


def measures(p: Proposal) -> list[tuple[str, str | None, bool]]:
    return [(m.value.kind, m.value.account.value if m.value.account else None, m.value.fallback)
            for m in p.measures]


def test_roskomnadzor_transmitting_a_prosecutors_decision(session, settings, known) -> None:
    text = letters.RU_RKN
    p = proposed(text, session, settings)
    assert addresses(p) == [
        ("https://social.example/@ural_voice/91011", "content"),
        ("https://social.example/@ural_voice/91014?utm_source=tg", "content"),
        (None, "withheld"),
        ("https://social.example/@ural_voice_archive/pinned/910177", "content"),
        ("https://pravo.gov.ru/proxy/ips/?docbody=&nd=102108264", "law"),
    ]
    # The fourth address was broken at the line's end: its span takes in the next line.
    fourth = p.addresses[3]
    assert text[fourth.start:fourth.end] == "https://social.example/@ural_voice_archive/pinned/\n910177"
    assert p.sender is not None and (p.sender.value.submitter_id, p.sender.value.by) == (known["rkn"], "email")
    assert value(p.country) == "RU"
    assert value(p.language) == "ru" and value(p.reference) == "04-120051-2026"
    assert order(p) == {
        "authority": ("заместителя Генерального прокурора Российской Федерации", "prosecutor"),
        "number": "27-31-2026/Ид5120-26", "date": dt.date(2026, 12, 1), "court": None, "case_number": None,
        "register_entry": "77-2026-120051",
        "deadline": "в течение суток с момента получения настоящего требования"}
    assert laws(p) == [("ст. 15.3 Федерального закона от 27.07.2006 № 149-ФЗ «Об информации, информационных "
                        "технологиях и о защите информации»", "ru-149-fz-15-3", (), False)]
    assert measures(p) == [("remove_global", None, False)]
    assert value(p.reason) == "government_criticism"
    assert text[p.reason.start:p.reason.end] == "массовых (публичных) мероприятиях"


def test_btk_transmitting_a_criminal_judgeship_of_peace_decision(session, settings, known) -> None:
    p = proposed(letters.TR_BTK, session, settings)
    assert addresses(p) == [("https://social.example/@anadolu_haber/70112", "content"),
                            ("https://social.example/@anadolu_haber/70113", "content")]
    assert p.sender is not None and (p.sender.value.submitter_id, p.sender.value.by) == (known["btk"], "letterhead")
    assert value(p.country) == "TR" and value(p.language) == "tr"
    assert value(p.reference) == "BTK-2026-90117"
    # The court decided; BTK (the sender) transmits. The decision's date, not the letter's.
    assert order(p) == {
        "authority": ("Ankara 3. Sulh Ceza Hakimliği", "court"), "number": "BTK-2026-90117",
        "date": dt.date(2026, 12, 2), "court": "Ankara 3. Sulh Ceza Hakimliği", "case_number": "2026/9144 D. İş",
        "register_entry": None, "deadline": "24 saat içinde"}
    # The catalog holds Law 5651 as a whole: the article cited is kept as the provision.
    assert laws(p) == [("5651 sayılı Kanun'un 9. maddesi", "tr-5651-9", (), False)]
    assert p.to_request()["legal_basis"] == [{"law": "tr-5651-9", "provision": "9"}]
    assert measures(p) == [("restrict_content", None, False)]
    assert value(p.reason) == "defamation"


def test_hong_kong_police_with_a_court_injunction_and_a_withheld_address(session, settings, known) -> None:
    p = proposed(letters.HK_POLICE, session, settings)
    assert addresses(p) == [("https://social.example/@hk_leaks/88001", "content"),
                            ("https://social.example/@hk_leaks/88002", "content"), (None, "withheld")]
    assert [f.value.written for f in p.addresses] == [
        "https://social.example/@hk_leaks/88001", "https://social.example/@hk_leaks/88002", "[private]"]
    assert p.sender is not None and p.sender.value.submitter_id == known["hk_police"]
    assert value(p.country) == "HK" and value(p.language) == "en"
    assert order(p) == {
        "authority": ("Court of First Instance of the High Court", "court"), "number": "CSTCB/2026/3312",
        "date": dt.date(2026, 12, 2), "court": "Court of First Instance of the High Court",
        "case_number": "HCMP 2214/2026", "register_entry": None, "deadline": "within 24 hours of receipt"}
    # Cap. 200 is not in the catalog: kept as a citation, with the suggestion to add it.
    assert laws(p) == [("Section 71 of the Crimes Ordinance (Cap. 200)", None, (), True)]
    assert measures(p) == [("remove_global", None, False), ("preserve_data", "hk_leaks", False)]
    assert value(p.reason) == "privacy_security"


def test_guardia_civil_in_court_proceedings(session, settings, known) -> None:
    text = letters.ES_GUARDIA_CIVIL
    p = proposed(text, session, settings)
    assert addresses(p) == [("https://social.example/@docs_rapidos/4410", "content"),
                            ("https://social.example/@docs_rapidos/4415", "content")]
    assert p.sender is not None and p.sender.value.submitter_id == known["guardia_civil"]
    assert value(p.country) == "ES" and value(p.language) == "es"
    assert order(p) == {
        "authority": ("Juzgado de Instrucción n.º 14 de Madrid", "court"), "number": "DT-2026/05120",
        "date": dt.date(2026, 12, 2), "court": "Juzgado de Instrucción n.º 14 de Madrid", "case_number": "1320/2026",
        "register_entry": None, "deadline": "en el plazo de cinco días hábiles"}
    assert laws(p) == [("art. 13 LECrim", None, (), True)]
    assert measures(p) == [("remove_global", None, False), ("preserve_data", "docs_rapidos", False)]
    assert value(p.other_items) == "y todas sus copias"
    assert value(p.reason) == "illegal_goods"


def test_singcert_phishing_notice_with_defanged_addresses(session, settings, known) -> None:
    p = proposed(letters.SG_CERT, session, settings)
    assert addresses(p) == [
        ("https://social.example/@dbs_rewards_sg/55401", "content"),
        ("https://social.example/@dbs_rewards_sg/55402", "content"),
        ("https://social.example/@dbs_rewards_sg/55403", "content"),
        ("http://dbs-rewards-sg.top/login", "other"),
        ("https://paylah-secure.com/verify", "other"),
        ("https://play.google.com/store/apps/details?id=sg.fake.paylah", "app_store"),
        ("https://www.csa.gov.sg/alerts-advisories/ad-2026-041", "authority"),
    ]
    assert [f.value.url for f in p.items] == [f"https://social.example/@dbs_rewards_sg/5540{n}" for n in (1, 2, 3)]
    assert len(p.elsewhere) == 4
    assert p.sender is not None and (p.sender.value.submitter_id, p.sender.value.by) == (known["singcert"], "email")
    assert value(p.country) == "SG"
    assert order(p)["date"] == dt.date(2026, 12, 2) and order(p)["authority"] is None
    assert laws(p) == []
    assert measures(p) == [("remove_global", None, False), ("restrict_account", "dbs_rewards_sg", False)]
    assert value(p.reason) == "fraud"


def test_chinese_ministry_citing_a_court_judgment(session, settings, known) -> None:
    p = proposed(letters.CN_MINISTRY, session, settings)
    assert addresses(p) == [("https://social.example/@truth_cn/12001", "content"),
                            ("https://social.example/@truth_cn/12002", "content")]
    assert p.sender is not None and p.sender.value.submitter_id == known["cn_mps"]
    assert value(p.country) == "CN" and value(p.language) == "zh"
    assert order(p) == {
        "authority": ("北京市海淀区人民法院", "court"), "number": "公网安〔2026〕1187号", "date": dt.date(2026, 12, 2),
        "court": "北京市海淀区人民法院", "case_number": "（2026）京0108刑初1234号", "register_entry": None,
        "deadline": "在24小时内"}
    assert laws(p) == [("《中华人民共和国网络安全法》第四十七条", "cn-cybersecurity-47", (), False)]
    assert measures(p) == [("remove_global", None, False)]
    assert value(p.reason) == "fraud"


def test_kazakh_ministry_in_kazakh_and_english(session, settings, known) -> None:
    p = proposed(letters.KZ_MINISTRY, session, settings)
    assert addresses(p) == [("https://social.example/@kz_bully/3011", "content"),
                            ("https://kz-bully.pages.social.example/", "content")]
    assert p.sender is not None and p.sender.value.submitter_id == known["kz_mci"]
    assert value(p.country) == "KZ"
    assert order(p) == {"authority": None, "number": "04-3/2206", "date": dt.date(2026, 12, 2), "court": None,
                        "case_number": None, "register_entry": None, "deadline": "24 сағат ішінде"}
    # The same article cited in both languages: one law.
    assert [law for _, law, _, _ in laws(p)] == ["kz-online-platforms-9", "kz-online-platforms-9"]
    assert p.to_request()["legal_basis"] == [{"law": "kz-online-platforms-9"}]
    # "At the least, block them in the Republic of Kazakhstan": removal, or at least withheld there.
    assert measures(p) == [("remove_global", None, True)]
    assert value(p.reason) == "cyberbullying"


def test_bundesnetzagentur_under_netzdg(session, settings, known) -> None:
    p = proposed(letters.DE_BNETZA, session, settings)
    assert addresses(p) == [("https://social.example/@nordwind/20551", "content")]
    assert p.sender is not None and p.sender.value.submitter_id == known["bnetza"]
    assert value(p.country) == "DE" and value(p.language) == "de"
    assert value(p.reference) == "814-NetzDG-2026-0318"
    assert order(p) == {"authority": None, "number": "814-NetzDG-2026-0318", "date": dt.date(2026, 12, 3),
                        "court": None, "case_number": None, "register_entry": None,
                        "deadline": "innerhalb von 24 Stunden nach Eingang dieser Meldung"}
    # StGB is not in the catalog; "NetzDG" alone could be either of its catalog provisions.
    assert laws(p) == [("§ 130 StGB", None, (), True), ("NetzDG", None, ("de-netzdg-3", "de-netzdg-3-manifest"), False)]
    assert measures(p) == [("restrict_content", None, False)]
    assert value(p.reason) == "hate_speech"


def test_an_unknown_sender_is_proposed_from_the_letter_alone(session, settings) -> None:
    p = proposed(letters.TR_BTK, session, settings)
    assert p.sender is None
    # The country from the letterhead and the law cited, the issuing court all the same.
    assert value(p.country) == "TR"
    assert order(p)["authority"] == ("Ankara 3. Sulh Ceza Hakimliği", "court")


def test_kinds_are_intakes_own(session, settings, known) -> None:
    """The authority kinds and measure kinds proposed are the ones intake takes."""
    for name in ("RU_RKN", "TR_BTK", "HK_POLICE", "ES_GUARDIA_CIVIL", "SG_CERT", "CN_MINISTRY", "KZ_MINISTRY"):
        p = propose(getattr(letters, name), session=session, settings=settings)
        if p.order.issuing_authority:
            AuthorityKind(p.order.issuing_authority.value.kind)
        for m in p.measures:
            MeasureKind(m.value.kind)


def test_the_proposal_goes_through_intake_as_any_request(client, make_submitter, sessions, settings) -> None:
    rkn = make_submitter("Roskomnadzor", "regulator", "RU", email="zapros@rkn.gov.ru")
    with store.transaction(sessions) as s:
        body = propose(letters.RU_RKN, session=s, settings=settings).to_request()
    r = client.post("/api/v1/requests", json=body, headers=rkn.headers)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["jurisdiction"] == "RU" and out["reference"] == "04-120051-2026"
    assert out["reason"] == "government_criticism" and out["requested_action"] == "remove"
    assert out["legal_basis"] == [{"law": "ru-149-fz-15-3"}]
    assert [i["url"] for i in out["items"]] == [
        "https://social.example/@ural_voice/91011", "https://social.example/@ural_voice/91014?utm_source=tg",
        None, "https://social.example/@ural_voice_archive/pinned/910177"]
    assert [i["unlisted"] for i in out["items"]] == [False, False, True, False]
    # What intake read differently from what the letter wrote: noted, as for any request.
    assert out["intake_notes"] == [
        {"note": "refanged", "position": 0, "given": "hxxps://social[.]example/@ural_voice/91011",
         "read_as": "https://social.example/@ural_voice/91011"},
        {"note": "unlisted", "position": 2, "given": "[redacted]"}]
    assert out["order"]["issuing_authority"] == {"name": "заместителя Генерального прокурора Российской Федерации",
                                                 "kind": "prosecutor", "country": "RU"}
    assert (out["order"]["number"], out["order"]["date"], out["order"]["register_entry"]) == (
        "27-31-2026/Ид5120-26", "2026-12-01", "77-2026-120051")
    assert [(m["kind"], m["fallback"]) for m in out["measures"]] == [("remove_global", False)]


def test_a_proposal_without_a_country_is_refused_by_intake_naming_it(client, make_submitter, sessions,
                                                                      settings) -> None:
    flagger = make_submitter("Trusted Flagger e.V.", "trusted_flagger", "DE")
    with store.transaction(sessions) as s:
        body = propose("Please look at https://social.example/@x/1 thanks", session=s, settings=settings).to_request()
    assert "jurisdiction" not in body and body["items"] == [{"url": "https://social.example/@x/1"}]
    r = client.post("/api/v1/requests", json=body, headers=flagger.headers)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert "jurisdiction" in [e["field"] for e in r.json()["errors"]]


@pytest.mark.parametrize("text", ["", "   \n\n", "hxxps://", "[redacted]", "№", "第号", "§", "https://[::1",
                                  "x" * 5000])
def test_odd_text_proposes_little_and_never_fails(session, settings, text) -> None:
    p = propose(text, session=session, settings=settings)
    spans_hold(text, p)
    assert p.to_request()["reason"] == "unspecified"


def test_a_long_letter_is_read_well_under_two_seconds(session, settings, known) -> None:
    text = "\n\n".join(getattr(letters, name) for name in (
        "RU_RKN", "TR_BTK", "HK_POLICE", "ES_GUARDIA_CIVIL", "SG_CERT", "CN_MINISTRY", "KZ_MINISTRY", "DE_BNETZA")) * 6
    assert len(text) > 35_000  # some fifteen pages
    propose(letters.RU_RKN, session=session, settings=settings)  # patterns compiled, catalog read
    started = time.perf_counter()
    p = propose(text, session=session, settings=settings)
    assert time.perf_counter() - started < 1.0
    # The platform's 17 addresses, each once however often listed; each withheld one apart.
    assert len(p.items) == 17 + 2 * 6


def test_the_data_names_only_the_catalogs_reasons_and_intakes_kinds(session) -> None:
    reasons = {r.code for r in catalog.list_reasons(session=session)}
    assert set(data()["reasons"]) - {"_comment"} <= reasons
    assert set(data()["measures"]) - {"_comment", "fallback"} <= {k.value for k in MeasureKind}
    assert set(data()["authorities"]) - {"_comment"} <= {k.value for k in AuthorityKind}
    assert proposals.ACCOUNT_KINDS == schemas.ACCOUNT_KINDS

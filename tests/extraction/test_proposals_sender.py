"""The sender of a letter that has no From line — a PDF, a scan, a Word file — known by the
name it signs with in its own language and script (``known_authorities`` in
proposals.json), in its letterhead or its signature, as a scan reads it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from docket.extraction.proposals import Proposal, propose
from docket.parties import service as parties
from docket.settings import Settings
from tests.extraction.proposal_checks import spans_hold

# A Kazakh ministry's scanned letter: OCR read "Қазақстан" as "Казакстан" and "және" as "жене".
KZ_SCAN = """Казакстан Республикасы Мәдениет жене ақпарат министрлігі 13.11.2026 №
02-3-1404 хатымен хабарлайды.

«Бұқаралық ақпарат құралдары туралы» Қазақстан Республикасы Заңының
41-1-бабына сәйкес министрлік төмендегі мекенжайларда орналастырылған
заңсыз ақпаратты жоюды талап етеді:

1. https://social.example/@dala_voice/40548

Ақпарат комитетінің төрағасы
А. Б. Сапарова"""

RU_LETTERHEAD = """Федеральная служба по надзору в сфере связи, информационных технологий и
массовых коммуникаций (Роскомнадзор) направляет настоящее требование от
13.11.2026 № 04-117804-2026.

Роскомнадзор требует удалить информацию, размещённую по адресу:
1. https://social.example/@sibir_news/40548"""

# Signed at the foot only: the letterhead is the bureau's, the ministry is in the signature.
CN_SIGNED = """关于删除违法信息的通知

经查，下列网址发布的信息违反《中华人民共和国网络安全法》第四十七条的规定。请贵公司立即删除：

1. https://social.example/@hk_echo/40548

请于收到本通知后二十四小时内处理完毕。
公安部网络安全保卫局（盖章）"""


def _submitter(session: Session, name: str, country: str, kind: str = "government_agency") -> int:
    return parties.create_submitter(session=session, actor="test", name=name, kind=kind, country=country).id


def _proposed(text: str, session: Session, settings: Settings) -> Proposal:
    proposal = propose(text, session=session, settings=settings)
    spans_hold(text, proposal)
    return proposal


def test_a_scanned_letterhead_in_kazakh_names_the_ministry_registered_in_english(session, settings) -> None:
    ministry = _submitter(session, "Ministry of Culture and Information of the Republic of Kazakhstan", "KZ")
    p = _proposed(KZ_SCAN, session, settings)
    assert p.sender is not None
    assert (p.sender.value.submitter_id, p.sender.value.by) == (ministry, "letterhead")
    assert KZ_SCAN[p.sender.start:p.sender.end].startswith("Казакстан Республикасы Мәдениет")


def test_a_russian_letterhead_names_the_regulator_registered_in_latin_letters(session, settings) -> None:
    rkn = _submitter(session, "Roskomnadzor", "RU", "regulator")
    p = _proposed(RU_LETTERHEAD, session, settings)
    assert p.sender is not None and (p.sender.value.submitter_id, p.sender.value.by) == (rkn, "letterhead")


def test_the_signature_names_the_sender(session, settings) -> None:
    mps = _submitter(session, "Ministry of Public Security of the People's Republic of China", "CN", "police")
    p = _proposed(CN_SIGNED, session, settings)
    assert p.sender is not None and p.sender.value.submitter_id == mps
    assert CN_SIGNED[p.sender.start:p.sender.end] == "公安部"


def test_a_body_named_only_in_the_letters_text_is_not_its_sender(session, settings) -> None:
    _submitter(session, "Information and Communication Technologies Authority (BTK)", "TR", "regulator")
    body = ("Mahkememizce verilen karar, " + "ilgili içeriklerin incelenmesi sonucunda " * 12
            + "Bilgi Teknolojileri ve İletişim Kurumu aracılığıyla da bildirilecektir. " + "Gereği rica olunur. " * 20)
    p = _proposed("Ankara 3. Sulh Ceza Hakimliği\n\n" + body + "\n\nHakim\nA. Demir", session, settings)
    assert p.sender is None


def test_the_same_name_in_another_country_is_another_body(session, settings) -> None:
    # Registered under Singapore: the Kazakh letterhead does not name it.
    _submitter(session, "Ministry of Culture and Information", "SG")
    assert _proposed(KZ_SCAN, session, settings).sender is None


def test_an_e_mail_address_still_outranks_a_letterhead(session, settings) -> None:
    _submitter(session, "Roskomnadzor", "RU", "regulator")
    other = parties.create_submitter(session=session, actor="test", name="Roskomnadzor (Ural office)", kind="regulator",
                                     country="RU", email="ural@rkn.gov.ru").id
    p = _proposed(RU_LETTERHEAD + "\n\nИсполнитель: ural@rkn.gov.ru", session, settings)
    assert p.sender is not None and (p.sender.value.submitter_id, p.sender.value.by) == (other, "email")


def test_the_sender_under_its_own_languages_name_did_not_decide_another_bodys_order(session, settings) -> None:
    _submitter(session, "Roskomnadzor", "RU", "regulator")
    text = RU_LETTERHEAD + "\n\nНа основании решения Роскомнадзора информация подлежит удалению."
    p = _proposed(text, session, settings)
    assert p.sender is not None and p.order.issuing_authority is None

"""The order's particulars a proposal reads: dates in local formats, numbers, courts and
case numbers, register entries and deadlines in the order's words."""

from __future__ import annotations

import datetime as dt

import pytest

from docket.extraction.proposals import propose
from docket.parties import service as parties
from tests.extraction.proposal_checks import spans_hold

DAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize("written", [
    "03.12.2026", "3.12.2026", "03/12/2026", "3 декабря 2026 г.", "3 декабря 2026 года", "2026年12月3日",
    "2026 年 12 月 3 日", "3 Aralık 2026", "3 ARALIK 2026", "3 de diciembre de 2026", "December 3, 2026",
    "3 December 2026", "3. Dezember 2026", "2026-12-03", "2026 жылғы 3 желтоқсан",
])
def test_the_order_date_in_local_formats(session, settings, written) -> None:
    text = f"Decision No. 41/2026 of {written}: remove https://social.example/@a/1"
    p = propose(text, session=session, settings=settings)
    spans_hold(text, p)
    assert p.order.date is not None and p.order.date.value == DAY
    assert text[p.order.date.start:p.order.date.end] == written


@pytest.mark.parametrize("written", ["31.02.2026", "2026-13-01", "32 декабря 2026 г."])
def test_no_such_day_is_no_date(session, settings, written) -> None:
    assert propose(f"Order of {written}", session=session, settings=settings).order.date is None


@pytest.mark.parametrize(("text", "number"), [
    ("Решение от 01.12.2026 № 27-31-2026/Ид5120-26", "27-31-2026/Ид5120-26"),
    ("Decision No. 2026/DEC/118 of 1 December 2026", "2026/DEC/118"),
    ("Anordnung Nr. BNetzA-814-0318 vom 01.12.2026", "BNetzA-814-0318"),
    ("Sayı: BTK-2026-90117\nTarih: 01.12.2026", "BTK-2026-90117"),
    ("文号：京网信函〔2026〕118号\n根据决定，删除", "京网信函〔2026〕118号"),
    ("Ref.: DT-2026/05120\nMadrid, 1 de diciembre de 2026", "DT-2026/05120"),
    ("根据我局决定（京公网安决字第2026118号），删除", "第2026118号"),
    ("Hong Kong Police Force. Our ref.: CSTCB/2026/7100. Date: 01 November 2026.", "CSTCB/2026/7100"),
    ("SingCERT, Cyber Security Agency of Singapore. Incident SGCERT-2026-3300, reported on 01 November 2026.",
     "SGCERT-2026-3300"),
    ("Madrid, 1 de noviembre de 2026. Diligencias DP-2026-880.", "DP-2026-880"),
    # A court's decision, with no number of its own: known by its case number.
    ("Landgericht Berlin, Zivilkammer 27, Geschäftsnummer 27 O 400/26, Berlin, den 01.11.2026.", "27 O 400/26"),
    ("İstanbul 5. Sulh Ceza Hakimliğinin 01.11.2026 tarihli ve 2026/5400 D.İş sayılı kararı", "2026/5400 D.İş"),
])
def test_the_order_number_as_written(session, settings, text, number) -> None:
    p = propose(text, session=session, settings=settings)
    spans_hold(text, p)
    assert p.order.number is not None and p.order.number.value == number


def test_a_laws_date_is_not_the_orders(session, settings) -> None:
    text = ("Роскомнадзор направляет настоящее требование от 01.11.2026 № 04-117800-2026.\n\n"
            "На основании решения Генеральной прокуратуры Российской Федерации, принятого в соответствии со "
            "статьёй 15.3 Федерального закона от 27.07.2006 № 149-ФЗ, требуем удалить информацию.")
    p = propose(text, session=session, settings=settings)
    assert p.order.date is not None and p.order.date.value == dt.date(2026, 11, 1)
    assert p.order.number is not None and p.order.number.value == "04-117800-2026"


def test_a_laws_number_is_not_the_orders(session, settings) -> None:
    text = "Согласно ст. 15.1 Федерального закона от 27.07.2006 № 149-ФЗ, по решению № 7-2026 от 01.12.2026"
    p = propose(text, session=session, settings=settings)
    assert p.order.number is not None and p.order.number.value == "7-2026"
    assert p.order.date is not None and p.order.date.value == dt.date(2026, 12, 1)


def test_the_letters_own_number_is_its_reference_and_the_decisions_the_orders(session, settings) -> None:
    text = ("Исх. № 04-5512 от 03.12.2026\n\n"
            "На основании решения Генеральной прокуратуры Российской Федерации от 01.12.2026 № 27-31/118 "
            "требуем ограничить доступ к материалу https://social.example/@a/1.")
    p = propose(text, session=session, settings=settings)
    spans_hold(text, p)
    assert p.reference is not None and p.reference.value == "04-5512"
    assert p.order.number is not None and p.order.number.value == "27-31/118"
    assert p.order.date is not None and p.order.date.value == dt.date(2026, 12, 1)
    assert p.order.issuing_authority is not None
    assert (p.order.issuing_authority.value.name, p.order.issuing_authority.value.kind) == (
        "Генеральной прокуратуры Российской Федерации", "prosecutor")


@pytest.mark.parametrize(("text", "court", "case"), [
    ("Ankara 2. Asliye Hukuk Mahkemesi, Esas No: 2026/123", "Ankara 2. Asliye Hukuk Mahkemesi", "2026/123"),
    ("решение Таганского районного суда города Москвы, Дело № 2-1234/2026",
     "Таганского районного суда города Москвы", "2-1234/2026"),
    ("the Court of First Instance of the High Court, HCMP 1234/2026", "Court of First Instance of the High Court",
     "HCMP 1234/2026"),
    ("Landgericht Hamburg, Aktenzeichen: 324 O 118/26", "Landgericht Hamburg", "324 O 118/26"),
    ("diligencias previas n.º 1187/2026 del Juzgado de Instrucción n.º 32 de Madrid",
     "Juzgado de Instrucción n.º 32 de Madrid", "1187/2026"),
    ("根据北京市海淀区人民法院（2026）京0108民初1234号判决", "北京市海淀区人民法院", "（2026）京0108民初1234号"),
])
def test_the_court_and_its_case_number(session, settings, text, court, case) -> None:
    p = propose(text, session=session, settings=settings)
    spans_hold(text, p)
    assert p.order.court is not None and p.order.court.value == court
    assert p.order.case_number is not None and p.order.case_number.value == case
    assert p.order.issuing_authority is not None and p.order.issuing_authority.value.kind == "court"


@pytest.mark.parametrize(("text", "kind", "name"), [
    ("by decision of the Prosecutor General's Office of 1 December 2026", "prosecutor", "Prosecutor General's Office"),
    ("under the direction of the Ministry of Digital Development and Information", "ministry",
     "Ministry of Digital Development and Information"),
    ("根据深圳市公安局的决定", "police", "深圳市公安局"),
    ("auf Anordnung der Staatsanwaltschaft Köln", "prosecutor", "Staatsanwaltschaft Köln"),
    ("İstanbul Cumhuriyet Başsavcılığı kararı ile", "prosecutor", "İstanbul Cumhuriyet Başsavcılığı"),
])
def test_the_issuing_authority_and_its_kind(session, settings, text, kind, name) -> None:
    p = propose(text, session=session, settings=settings)
    spans_hold(text, p)
    assert p.order.issuing_authority is not None
    assert (p.order.issuing_authority.value.name, p.order.issuing_authority.value.kind) == (name, kind)


def test_a_body_named_without_a_decision_is_not_proposed_as_issuing(session, settings) -> None:
    text = "The Ministry of Digital Development and Information asks you to remove https://social.example/@a/1."
    assert propose(text, session=session, settings=settings).order.issuing_authority is None


def test_the_register_entry(session, settings) -> None:
    text = "Номер реестровой записи: 77-2026-118406. Запись в Едином реестре № 1-2026-55."
    p = propose(text, session=session, settings=settings)
    spans_hold(text, p)
    assert p.order.register_entry is not None and p.order.register_entry.value == "77-2026-118406"


@pytest.mark.parametrize("deadline", [
    "в течение суток", "в течение 24 часов с момента получения", "не позднее суток с момента получения",
    "within 24 hours", "within 2 working days of receipt", "24 saat içinde", "en geç 4 (dört) saat içinde",
    "innerhalb von 24 Stunden", "en el plazo de 48 horas", "24小时内", "24 сағат ішінде",
])
def test_the_deadline_in_the_orders_words(session, settings, deadline) -> None:
    text = f"Please act {deadline}. Thank you."
    p = propose(text, session=session, settings=settings)
    spans_hold(text, p)
    assert p.order.deadline is not None and p.order.deadline.value == deadline


def test_a_court_that_sends_its_own_decision_issues_no_other_bodys(session, settings) -> None:
    parties.create_submitter(session=session, actor="test", name="Landgericht Berlin", kind="court", country="DE")
    text = ("Landgericht Berlin\nZivilkammer 27\n\nGeschäftsnummer: 27 O 412/26\nBerlin, den 18.11.2026\n\n"
            "BESCHLUSS\n\nDer Antragsgegnerin wird untersagt, https://social.example/@berlin_watch/55102 "
            "in der Bundesrepublik Deutschland zugänglich zu machen.\n\n"
            "Vorsitzende Richterin am Landgericht Dr. K. Weber\n")
    p = propose(text, session=session, settings=settings)
    spans_hold(text, p)
    assert p.order.issuing_authority is None
    assert (p.order.court and p.order.court.value, p.order.case_number and p.order.case_number.value) == (
        "Landgericht Berlin", "27 O 412/26")
    assert p.order.date is not None and p.order.date.value == dt.date(2026, 11, 18)
    assert p.country is not None and p.country.value == "DE"


@pytest.mark.parametrize(("text", "number"), [
    # A scan's "№" read as a Cyrillic "М", the number on the next line.
    ("Казакстан Республикасы Мәдениет жене ақпарат министрлігі 13.11.2026 М\n02-3-1404 хатымен хабарлайды.",
     "02-3-1404"),
    ("Роскомнадзор направляет требование от 13.11.2026 Ne 04-117804-2026.", "04-117804-2026"),
    # Spaces around "-" and "/", an O and an l among the digits.
    ("Роскомнадзор направляет требование от 13.11.2026 № 04- 1178O4-2026.", "04-117804-2026"),
    ("Hong Kong Police Force. Our ref.: CSTCB /2026/71O4. Date: 13 November 2026.", "CSTCB/2026/7104"),
    ("SingCERT. Incident SGCERT-2026-33l4, reported on 13 November 2026.", "SGCERT-2026-3314"),
    # A Chinese number's brackets as a scan reads them, with spaces.
    ("中华人民共和国公安部网络安全保卫局 2026年11月13日 公网安 【2026 ] 304号", "公网安〔2026〕304号"),
    ("中华人民共和国公安部网络安全保卫局 2026年11月13日 公网安(2026)304号", "公网安〔2026〕304号"),
    # A German court's file number with its umlaut lost, and its register letter read as a zero.
    ("Landgericht Berlin, Zivilkammer 27, Geschaftsnummer 27 O 404/26, Berlin, den 13.11.2026.", "27 O 404/26"),
    ("Landgericht Berlin, Zivilkammer 27, Geschäftsnummer 27 0 404/26, Berlin, den 13.11.2026.", "27 O 404/26"),
])
def test_the_order_number_as_a_scan_reads_it(session, settings, text, number) -> None:
    p = propose(text, session=session, settings=settings)
    spans_hold(text, p)
    assert p.order.number is not None and p.order.number.value == number


def test_only_a_numbers_own_letters_are_read_as_digits(session, settings) -> None:
    # "27 O 404/26": the O is the register's; "DP-2026-880": no letter among digits to change.
    for text, number in (("Geschäftsnummer 27 O 404/26, Berlin, den 13.11.2026.", "27 O 404/26"),
                         ("Madrid, 1 de noviembre de 2026. Diligencias DP-2026-880.", "DP-2026-880")):
        p = propose(text, session=session, settings=settings)
        assert p.order.number is not None and p.order.number.value == number


def test_a_word_or_a_unit_is_no_number_sign(session, settings) -> None:
    # Turkish "ne" (what), a Russian "м" (metres): not a scan's "№".
    for text in ("Bu kararın ne 2026-11 tarihli olduğu belirtilmedi.", "Высота мачты 12 м 30-40 см."):
        assert propose(text, session=session, settings=settings).order.number is None

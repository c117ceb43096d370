"""The laws a proposal reads: citations in many styles, matched to the catalog's laws
where it has them, kept as citations (with a suggestion to add the law) where not."""

from __future__ import annotations

import pytest

from docket.catalog import service as catalog
from docket.extraction.proposals import propose
from tests.extraction.proposal_checks import spans_hold


def cited(text, session, settings) -> list[tuple[str, str | None, str | None, tuple[str, ...], bool]]:
    p = propose(text, session=session, settings=settings)
    spans_hold(text, p)
    return [(f.value.citation, f.value.law, f.value.provision, f.value.candidates, f.value.suggestion is not None)
            for f in p.laws]


@pytest.mark.parametrize(("text", "citation", "law", "provision"), [
    ("на основании ст. 15.1 Федерального закона № 149-ФЗ.", "ст. 15.1 Федерального закона № 149-ФЗ",
     "ru-149-fz-15-1", "15.1"),
    ("в соответствии со статьёй 15.3 Федерального закона от 27.07.2006 № 149-ФЗ, требуем",
     "статьёй 15.3 Федерального закона от 27.07.2006 № 149-ФЗ", "ru-149-fz-15-3", "15.3"),
    ("under Article 15.3 of Federal Law No. 149-FZ, remove", "Article 15.3 of Federal Law No. 149-FZ",
     "ru-149-fz-15-3", "15.3"),
    ("5651 sayılı Kanun'un 8/A maddesi uyarınca", "5651 sayılı Kanun'un 8/A maddesi", "tr-5651-8-a", "8/A"),
    ("依据《中华人民共和国网络安全法》第五十条", "《中华人民共和国网络安全法》第五十条", "cn-cybersecurity-50", "五十"),
    ("conforme al art. 8 de la Ley 34/2002, de 11 de julio", "art. 8 de la Ley 34/2002, de 11 de julio",
     "es-lssi-8", "8"),
    ("under Article 9 of the Law of the Republic of Kazakhstan on Online Platforms and Online Advertising.",
     "Article 9 of the Law of the Republic of Kazakhstan on Online Platforms and Online Advertising",
     "kz-online-platforms-9", "9"),
])
def test_a_citation_is_matched_to_the_catalogs_law(session, settings, text, citation, law, provision) -> None:
    assert cited(text, session, settings) == [(citation, law, provision, (), False)]


@pytest.mark.parametrize(("text", "citation", "provision"), [
    ("in violation of Article 300 of the Criminal Law, and", "Article 300 of the Criminal Law", "300"),
    ("offences under Section 71 of the Crimes Ordinance (Cap. 200). Remove",
     "Section 71 of the Crimes Ordinance (Cap. 200)", "71"),
    ("al amparo del art. 13 LECrim, se solicita", "art. 13 LECrim", "13"),
    ("Volksverhetzung (§ 130 StGB) erfüllt", "§ 130 StGB", "130"),
    ("gemäß § 3 Abs. 2 Nr. 2 TMG", "§ 3 Abs. 2 Nr. 2 TMG", "3 Abs. 2 Nr. 2"),
    ("un delito de odio del artículo 510 del Código Penal, se solicita", "artículo 510 del Código Penal", "510"),
    ("under Section 6 of the Online Criminal Harms Act 2023 we request that you",
     "Section 6 of the Online Criminal Harms Act 2023", "6"),
    ("as part of the preventive measures under article 13 of the Criminal Procedure Act (LECrim), for acts",
     "article 13 of the Criminal Procedure Act (LECrim)", "13"),
])
def test_a_law_the_catalog_lacks_is_kept_as_a_citation_with_a_suggestion(session, settings, text, citation,
                                                                         provision) -> None:
    assert cited(text, session, settings) == [(citation, None, provision, (), True)]
    p = propose(text, session=session, settings=settings)
    assert p.to_request()["legal_basis"] == [{"citation": citation}]


def test_two_citations_in_one_sentence_are_two(session, settings) -> None:
    text = ("under Article 300 of the Criminal Law of the People's Republic of China and Article 47 of the "
            "Cybersecurity Law, the ministry requires")
    assert [(c, law) for c, law, _, _, _ in cited(text, session, settings)] == [
        ("Article 300 of the Criminal Law of the People's Republic of China", None),
        ("Article 47 of the Cybersecurity Law", "cn-cybersecurity-47")]


def test_a_law_named_without_its_provision_lists_the_catalogs_candidates(session, settings) -> None:
    assert cited("offensichtlich rechtswidrig im Sinne des NetzDG.", session, settings) == [
        ("NetzDG", None, None, ("de-netzdg-3", "de-netzdg-3-manifest"), False)]


def test_a_law_added_to_the_catalog_is_matched_from_then_on(session, settings) -> None:
    text = "Der Beitrag erfüllt den Tatbestand des § 130 StGB."
    assert cited(text, session, settings)[0][1] is None
    catalog.add_law(session=session, actor="test", id="de-stgb-130", applies_in="DE",
                    citation="Strafgesetzbuch (StGB) § 130", title="Volksverhetzung")
    assert cited(text, session, settings) == [("§ 130 StGB", "de-stgb-130", "130", (), False)]


def test_the_same_law_cited_twice_is_one_legal_basis(session, settings) -> None:
    text = ("ст. 15.3 Федерального закона № 149-ФЗ / Article 15.3 of Federal Law No. 149-FZ; "
            "ст. 15.1 Федерального закона № 149-ФЗ")
    p = propose(text, session=session, settings=settings)
    assert p.to_request()["legal_basis"] == [{"law": "ru-149-fz-15-3"}, {"law": "ru-149-fz-15-1"}]


def test_a_law_in_the_catalog_decides_the_country(session, settings) -> None:
    p = propose("Remove https://social.example/@a/1 under Article 22 of POFMA and s. 22 of the "
                "Protection from Online Falsehoods and Manipulation Act 2019.", session=session, settings=settings)
    assert [(f.value.citation, f.value.law) for f in p.laws] == [
        ("Article 22 of POFMA", "sg-pofma-22"),
        ("s. 22 of the Protection from Online Falsehoods and Manipulation Act 2019", "sg-pofma-22")]
    assert p.country is not None and p.country.value == "SG"


def test_a_regions_law_names_no_country(session, settings) -> None:
    text = "This order is made under Article 9 of the DSA: remove https://social.example/@a/1."
    p = propose(text, session=session, settings=settings)
    assert [(f.value.citation, f.value.law) for f in p.laws] == [("Article 9 of the DSA", "eu-dsa-9")]
    assert p.country is None and "jurisdiction" not in p.to_request()


def test_a_provision_of_the_same_law_cited_just_before(session, settings) -> None:
    text = ("в соответствии со статьёй 15.3 Федерального закона от 27.07.2006 № 149-ФЗ «Об информации, "
            "информационных технологиях и о защите информации», а также статьи 15.1 того же закона, требует")
    assert [(c, law) for c, law, _, _, _ in cited(text, session, settings)] == [
        ("статьёй 15.3 Федерального закона от 27.07.2006 № 149-ФЗ «Об информации, информационных технологиях и "
         "о защите информации»", "ru-149-fz-15-3"),
        ("статьи 15.1 того же закона", "ru-149-fz-15-1")]
    text = "under Article 15.3 of Federal Law No. 149-FZ and Article 15.1 of the same law, remove"
    assert [law for _, law, _, _, _ in cited(text, session, settings)] == ["ru-149-fz-15-3", "ru-149-fz-15-1"]


def test_further_provisions_listed_after_a_citation(session, settings) -> None:
    text = "Hakimliğimizce, 5651 sayılı Kanunun 9. maddesi ve 8/A maddesi uyarınca, erişimin engellenmesine"
    assert [(c, law, provision) for c, law, provision, _, _ in cited(text, session, settings)] == [
        ("5651 sayılı Kanunun 9. maddesi", "tr-5651-9", "9"), ("8/A maddesi", "tr-5651-8-a", "8/A")]
    text = "违反《中华人民共和国网络安全法》第四十七条、第五十条的规定"
    assert [law for _, law, _, _, _ in cited(text, session, settings)] == ["cn-cybersecurity-47", "cn-cybersecurity-50"]


def test_a_no_earlier_law_leaves_the_same_law_unread(session, settings) -> None:
    assert cited("согласно статье 15.1 того же закона", session, settings) == []


@pytest.mark.parametrize(("text", "citation", "law"), [
    # A line broken inside a Chinese law's title (a PDF's or a scan's column).
    ("违反《中华人民共和国刑法》第三百条及《中华人民共和国网络\n安全法》第四十七条的规定",
     "《中华人民共和国网络\n安全法》第四十七条", "cn-cybersecurity-47"),
    ("违反《中华人民共和国刑法》第三百条及 《\n中华人民共和国网络安全法》第四十七条的规定",
     "《\n中华人民共和国网络安全法》第四十七条", "cn-cybersecurity-47"),
    # A scan's accents lost, and "§" read as "$".
    ("previstas en el articulo 13 de la Ley de\nEnjuiciamiento Criminal, por hechos",
     "articulo 13 de la Ley de\nEnjuiciamiento Criminal", None),
    ("delito de odio del articulo\n510 del Cödigo Penal, se solicita", "articulo\n510 del Cödigo Penal", None),
    ("der Unterlassungsanspruch folgt aus $ 1004 BGB analog.", "$ 1004 BGB", None),
])
def test_a_citation_as_a_scan_or_a_narrow_column_breaks_it(session, settings, text, citation, law) -> None:
    assert (citation, law) in [(c, found) for c, found, _, _, _ in cited(text, session, settings)]


def test_a_dollar_amount_is_no_citation(session, settings) -> None:
    assert cited("a fine of $ 1000 USD was imposed", session, settings) == []

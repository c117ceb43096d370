"""The catalog's shipped laws: every jurisdiction that sends most requests, each law with its
official text and an excerpt, loaded into the database on either engine."""

from __future__ import annotations

import urllib.parse

from sqlalchemy.orm import Session

from docket.catalog import service

# The jurisdictions that send most requests in public transparency reports.
LISTED = ("RU", "TR", "IN", "PK", "KR", "VN", "CN", "HK", "SG", "BR", "ID", "DE", "FR", "ES", "KZ")
OFFICIAL_HOSTS = {
    "pravo.gov.ru", "www.mevzuat.gov.tr", "www.indiacode.nic.in", "pakistancode.gov.pk", "www.law.go.kr",
    "vanban.chinhphu.vn", "www.npc.gov.cn", "www.elegislation.gov.hk", "sso.agc.gov.sg", "www.planalto.gov.br",
    "peraturan.bpk.go.id", "www.gesetze-im-internet.de", "www.legifrance.gouv.fr", "www.boe.es",
    "adilet.zan.kz", "eur-lex.europa.eu",
}


def test_every_listed_jurisdiction_has_its_laws_in_the_database(session: Session) -> None:
    for code in LISTED:
        own = [law for law in service.list_laws(session=session, applies_in=code) if law.applies_in == code]
        assert own, code
        for law in own:
            assert law.citation and law.title and law.excerpt, law.id
            assert law.official_url is not None and service.official_url_error(law.official_url) is None
            assert urllib.parse.urlsplit(law.official_url).hostname in OFFICIAL_HOSTS, law.official_url
            # A clock in hours, or the catalog says the law states none.
            assert law.clock_hours or service.law_dict(law)["clock"] == service.NO_CLOCK, law.id


def test_russias_register_and_prosecutor_general_articles(session: Session) -> None:
    register = service.get_law(session=session, law_id="ru-149-fz-15-1")
    demands = service.get_law(session=session, law_id="ru-149-fz-15-3")
    assert register is not None and demands is not None
    assert "149-ФЗ, ст. 15.1" in register.citation and "149-FZ, Art. 15.1" in register.citation
    assert register.clock_hours == 24 and "в течение суток" in (register.clock_basis or "")
    assert demands.clock_hours is None and "незамедлительно" in (demands.clock_basis or "")
    assert service.law_dict(demands)["clock"] == "no clock stated: the jurisdiction's default applies"
    assert demands.official_url == "http://pravo.gov.ru/proxy/ips/?docbody=&nd=102108264"


def test_seeding_fills_in_the_text_of_a_shipped_law_and_keeps_an_operators(session: Session) -> None:
    older = service.get_law(session=session, law_id="tr-5651-9")
    mine = service.get_law(session=session, law_id="de-netzdg-3")
    assert older is not None and mine is not None
    older.official_url = older.excerpt = None  # as a database from before laws had a text
    mine.excerpt = "Our own translation."
    session.flush()
    added = service.seed_defaults(session=session)
    assert added["law_texts"] == 1 and added["laws"] == 0
    assert older.official_url is not None and older.official_url.startswith("https://www.mevzuat.gov.tr/")
    assert older.excerpt and "48 hours" in older.excerpt
    assert mine.excerpt == "Our own translation."

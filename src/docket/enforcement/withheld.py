"""The line a viewer sees instead of withheld content, in the viewer's language."""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

from docket.catalog.service import country_name

LANGUAGES = ("en", "ru", "kk", "de", "tr")

# {where}: a country's name in the same language.
TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "legal_demand": "This content has been withheld in {where} in response to a legal demand.",
        "local_law": "This content has been withheld in {where} based on local law.",
        "policy": "This content has been removed for violating the platform's rules.",
        "legal_demand_several": "This content has been withheld in several countries in response to a legal demand.",
        "local_law_several": "This content has been withheld in several countries based on local law.",
    },
    "ru": {
        "legal_demand": "Этот материал недоступен в стране «{where}» по требованию властей.",
        "local_law": "Этот материал недоступен в стране «{where}» в соответствии с местным законодательством.",
        "policy": "Этот материал удалён за нарушение правил платформы.",
        "legal_demand_several": "Этот материал недоступен в нескольких странах по требованию властей.",
        "local_law_several": ("Этот материал недоступен в нескольких странах "
                              "в соответствии с местным законодательством."),
    },
    "kk": {
        "legal_demand": "Бұл материал заңды талап бойынша «{where}» елінде шектелген.",
        "local_law": "Бұл материал жергілікті заңға сәйкес «{where}» елінде шектелген.",
        "policy": "Бұл материал платформа ережелерін бұзғаны үшін жойылды.",
        "legal_demand_several": "Бұл материал заңды талап бойынша бірнеше елде шектелген.",
        "local_law_several": "Бұл материал жергілікті заңға сәйкес бірнеше елде шектелген.",
    },
    "de": {
        "legal_demand": "Dieser Inhalt wurde in {where} aufgrund einer rechtlichen Anordnung gesperrt.",
        "local_law": "Dieser Inhalt wurde in {where} aufgrund lokaler Gesetze gesperrt.",
        "policy": "Dieser Inhalt wurde wegen eines Verstoßes gegen die Regeln der Plattform entfernt.",
        "legal_demand_several": ("Dieser Inhalt wurde in mehreren Ländern "
                                 "aufgrund einer rechtlichen Anordnung gesperrt."),
        "local_law_several": "Dieser Inhalt wurde in mehreren Ländern aufgrund lokaler Gesetze gesperrt.",
    },
    "tr": {
        "legal_demand": "Bu içerik yasal bir talep üzerine {where} ülkesinde erişime kapatılmıştır.",
        "local_law": "Bu içerik yerel yasalar uyarınca {where} ülkesinde erişime kapatılmıştır.",
        "policy": "Bu içerik platform kurallarını ihlal ettiği için kaldırılmıştır.",
        "legal_demand_several": "Bu içerik yasal bir talep üzerine birden fazla ülkede erişime kapatılmıştır.",
        "local_law_several": "Bu içerik yerel yasalar uyarınca birden fazla ülkede erişime kapatılmıştır.",
    },
}


@cache
def _country_names(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


@cache
def localized_country(code: str, language: str) -> str:
    """A country's name in ``language`` (English when no translation is shipped)."""
    english = country_name(code)
    if language == "en":
        return english
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return _country_names(language).gettext(country.name)


def notice_text(kind: str, *, country: str | None, withheld_in: list[str] | str, language: str = "en") -> str:
    """The viewer-facing line for a restriction of ``kind`` seen from ``country``."""
    texts = TEXTS.get(language, TEXTS["en"])
    if kind == "policy":
        return texts["policy"]
    if country and withheld_in != "global" and country in withheld_in:
        return texts[kind].format(where=localized_country(country, language))
    if withheld_in != "global" and len(withheld_in) == 1:
        return texts[kind].format(where=localized_country(withheld_in[0], language))
    return texts[f"{kind}_several"]

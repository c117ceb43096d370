"""Pages in the reader's language (``web.i18n``): which language a page is in, the switcher,
and catalogs that translate every string of the portal and the shared chrome."""

from __future__ import annotations

from typing import Any

import pytest

from docket.web import i18n
from tests.web.conftest import post_form, sign_in
from tests.web.i18n_messages import missing, msgids

OFFICIAL = "aigerim@mid.kz.example"


@pytest.mark.parametrize("lang", ["ru", "kk", "de", "tr"])
def test_every_string_of_the_portal_is_translated(lang: str) -> None:
    assert len(msgids()) > 250  # the extraction found the portal's templates and code
    assert missing(lang) == []


@pytest.mark.parametrize("lang", ["ru", "kk", "de", "tr"])
def test_translations_keep_their_placeholders(lang: str) -> None:
    _ = i18n.gettext_for(lang)
    assert _("Request %(id)s", id=7).count("7") == 1
    assert "2026" in _("decided on %(date)s", date="2026-12-03")


@pytest.mark.parametrize(("header", "expected"), [
    ("ru-RU,ru;q=0.9,en;q=0.8", "ru"), ("fr-FR,fr;q=0.9", None), ("en;q=0.5, kk;q=0.9", "kk"),
    ("de;q=0", None), ("", None), ("tr", "tr"), ("*", None), ("ru;q=abc, de", "de"),
])
def test_accept_language_picks_the_best_language_docket_has(header: str, expected: str | None) -> None:
    assert i18n.accepted(header) == expected


def test_the_language_comes_from_lang_then_the_cookie_then_the_browser(web: Any) -> None:
    assert '<html lang="en">' in web.get("/sign-in").text
    ru = web.get("/sign-in", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).text
    assert '<html lang="ru">' in ru and "<h1>Войти</h1>" in ru
    kk = web.get("/sign-in?lang=kk", headers={"Accept-Language": "ru"}).text
    assert '<html lang="kk">' in kk and "<h1>Кіру</h1>" in kk
    chosen = post_form(web, "/sign-in", "/language", {"lang": "de", "next": "/sign-in"})
    assert chosen.status_code == 303 and chosen.headers["location"] == "/sign-in"
    assert '<html lang="de">' in web.get("/sign-in", headers={"Accept-Language": "ru"}).text
    # Nowhere else: a "next" off the site goes home; an unknown language changes nothing.
    assert post_form(web, "/sign-in", "/language", {"lang": "de", "next": "https://evil.example/"}
                     ).headers["location"] == "/"
    refused = post_form(web, "/sign-in", "/language", {"lang": "xx"})
    assert '<html lang="de">' in web.get(refused.headers["location"]).text


def test_a_persons_saved_choice_wins_over_the_browser(web: Any, kz_ministry: Any, make_person: Any) -> None:
    make_person(kz_ministry, OFFICIAL)
    sign_in(web, OFFICIAL)
    post_form(web, "/portal", "/language", {"lang": "kk", "next": "/portal"})
    web.cookies.delete("docket_lang")
    page = web.get("/portal", headers={"Accept-Language": "de"}).text
    assert '<html lang="kk">' in page and "<h1>Сіздің сұрауларыңыз</h1>" in page
    assert 'value="kk" lang="kk" class="link" aria-current="true"' in page


def test_the_portal_in_russian_flashes_in_russian(web: Any, client: Any, kz_ministry: Any,
                                                  make_person: Any) -> None:
    request_id = client.post("/api/v1/requests", headers=kz_ministry.headers, json={
        "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "x",
        "legal_basis": [{"law": "kz-online-platforms-9"}], "items": [{"url": "https://social.example/@m/1"}],
    }).json()["id"]
    make_person(kz_ministry, OFFICIAL)
    sign_in(web, OFFICIAL)
    post_form(web, "/portal", "/language", {"lang": "ru", "next": "/portal"})
    page = f"/portal/requests/{request_id}"
    post_form(web, page, f"{page}/messages", {"body": "Добрый день."})
    shown = web.get(page).text
    assert "Ваше сообщение отправлено специалистам." in shown
    assert f"<h1>Запрос {request_id}</h1>" in shown and "Переписка со специалистами" in shown
    assert "Элементы и исполнение" in shown and "Items and the effect given" not in shown

"""Every console page reads in Russian: a person with every staff role, who chose Russian,
opens each console page (the queue to the auditor's desk) and the flash messages its forms
leave, and no text of the console's catalog shows in English, nor any run of English words
the catalog does not know (text nobody marked for translation). English stays the default."""

from __future__ import annotations

import html
import re
from typing import Any

import pycountry
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from docket.catalog import service as catalog
from docket.parties import service as parties
from docket.parties.models import Submitter
from docket.web import i18n
from tests.conftest import PASSWORD
from tests.web.conftest import csrf_of, post_form, sign_in
from tests.web.i18n_console import msgids

LEAD = "lead.olga@docket.test"
# Console pages by address ({item}, {request}, {document}, {template}: the records made below).
PAGES = ("/console", "/console/items/{item}", "/console/requests/{request}", "/console/approvals",
         "/console/appeals", "/console/messages", "/console/views", "/console/teams", "/console/mentions",
         "/console/dashboard", "/console/templates", "/console/templates/{template}", "/console/inbox",
         "/console/inbox/{document}", "/console/inbox/{document}/draft", "/console/documents/{document}/read",
         "/audit", "/audit/log", "/audit?since=2026-13-01")
# What the pages show that is data, not docket's words (beside the catalog's, see catalog_words):
# file types, commands, addresses, names (words in capitals).
DATA = re.compile(r"PDF, PNG, JPEG, TIFF, WebP|docket \w+ \w+|DOCKET_LOG_KEY_FILE|https?://\S+|\S+@\S+|[\w.-]+\.md|"
                  r"[A-Z][\w-]*(?: [A-Z][\w-]*)+")

COUNTRIES = sorted({str(getattr(c, "common_name", None) or c.name) for c in pycountry.countries}, key=len, reverse=True)


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parties, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def visible(page: str) -> str:
    """The page's text as a reader sees it: no tags, scripts or styles, attributes that are
    read out or shown (alt, aria-label, title, data-label) kept."""
    page = re.sub(r"<(script|style|code|pre)\b.*?</\1>", " ", page, flags=re.S)
    # Data: countries by name and code (the catalog's English names), long values (break).
    page = re.sub(r"<option[^>]*>[^<]*\([A-Z]{2}\)</option>", " ", page)
    page = re.sub(r'<(td|span|div|dd) class="break">.*?</\1>', " ", page, flags=re.S)
    shown = " ".join(re.findall(r'(?:alt|aria-label|data-label|placeholder)="([^"]*)"', page))
    page = re.sub(r"<title>.*?</title>", lambda m: m.group(0).replace("docket", ""), page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + shown)


def english_left(text: str, data: tuple[str, ...] = ()) -> list[str]:
    """The console's English that shows untranslated in ``text``: a msgid's words (a
    whole msgid, or a run of three words or more between its placeholders), or a run of four
    English words or more that is not data."""
    _ = i18n.gettext_for("ru")
    found = set()
    plain = text
    for value in sorted(data, key=len, reverse=True):  # the catalog's and the fixtures' own words
        plain = plain.replace(value, " ")
    plain = DATA.sub(" ", plain)
    for msgid in msgids():
        if _(msgid) == msgid:  # the same in both languages (PDF, API)
            continue
        for part in re.split(r"%\(\w+\)s", msgid):
            if part.strip() in _(msgid):  # the same words in both (file types, commands)
                continue
            part = part.strip(" .,:;()“”—")
            whole = part == msgid and (len(part.split()) >= 2 or (len(part) >= 4 and part[0].isupper()))
            if part and (whole or len(part.split()) >= 3) and re.search(
                    r"(?<![\w-])" + re.escape(part) + r"(?![\w-])", plain):
                found.add(part)
    for country in COUNTRIES:  # the catalog's country names are data, in English
        plain = plain.replace(country, " ")
    found.update(m.group(0) for m in re.finditer(r"\b[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){3,}\b", plain))
    return sorted(found)


@pytest.fixture
def desk(web: Any, client: Any, make_user: Any, platform: Any, kz_ministry: Any) -> dict[str, int]:
    """A signed-in lead with every staff role, an item and its request, a decision waiting for
    approval, an explanation template and a letter in the inbox."""
    make_user(LEAD, "reviewer", "lead", "auditor", "admin", password=PASSWORD)
    assert sign_in(web, LEAD).status_code == 303
    r = client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-1", "url": "https://social.example/@x/1", "type": "post", "author_id": "author-1",
        "language": "ru"})
    assert r.status_code in (200, 201), r.text
    r = client.post("/api/v1/requests", headers=kz_ministry.headers, json={
        "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "x",
        "legal_basis": [{"law": "kz-online-platforms-9"}], "items": [{"url": "https://social.example/@x/1"}]})
    assert r.status_code == 201, r.text
    ids = {"item": int(r.json()["items"][0]["id"]), "request": int(r.json()["id"])}
    added = post_form(web, "/console/templates", "/console/templates", {
        "language": "ru", "title": "Призывы к насилию", "body": "Публикация содержит призывы к насилию."})
    assert added.status_code == 303, added.text
    ids["template"] = int(added.headers["location"].rsplit("/", 1)[1])
    sent = web.post("/console/inbox", data={"csrf_token": csrf_of(web, "/console/inbox"), "document_language": "ru",
                                            "title": "Письмо", "text": "Прошу удалить публикацию."},
                    follow_redirects=False)
    assert sent.status_code == 303, sent.text
    ids["document"] = int(sent.headers["location"].rsplit("/", 1)[1])
    return ids


def catalog_words(sessions: Any) -> tuple[str, ...]:
    """The catalog's reasons, laws and submitters, in their own (English) words: data."""
    with sessions() as s:
        words = [r.label for r in catalog.list_reasons(session=s)]
        for law in catalog.list_laws(session=s):
            words += [law.citation, law.title or "", f"{law.citation} ({law.applies_in})"]
        words += [name for name in s.scalars(select(Submitter.name))]
        words += [j.name for j in catalog.list_jurisdictions(session=s)]
    return tuple(w for w in words if w)


def test_every_console_page_reads_in_russian(web: Any, sessions: Any, desk: dict[str, int]) -> None:
    data = catalog_words(sessions)
    chosen = post_form(web, "/console", "/language", {"lang": "ru", "next": "/console"})
    assert chosen.status_code == 303
    for path in PAGES:
        page = web.get(path.format(**desk))
        assert page.status_code in (200, 422), (path, page.status_code)
        assert '<html lang="ru">' in page.text, path
        left = english_left(visible(page.text), data)
        assert left == [], (path, left)


def test_the_console_forms_flash_in_russian(web: Any, desk: dict[str, int]) -> None:
    """The messages left after a form is posted (post / redirect / get)."""
    post_form(web, "/console", "/language", {"lang": "ru", "next": "/console"})
    item, template, document = desk["item"], desk["template"], desk["document"]
    for form_page, action, data, shown in (
        ("/console", f"/console/items/{item}/claim", {}, f"Вы взяли в работу элемент {item} до "),
        ("/console", f"/console/items/{item}/release", {}, f"Элемент {item} возвращён в очередь."),
        ("/console/views", "/console/views", {"name": "Казахстан", "jurisdiction": "KZ"},
         "Представление «Казахстан» сохранено"),
        ("/console/teams", "/console/teams", {"name": "Политика", "role": "reviewer"}, "Команда «Политика» создана."),
        (f"/console/templates/{template}", f"/console/templates/{template}",
         {"title": "Призывы", "body": "Текст.", "active": "yes"}, f"Шаблон {template} сохранён как версия 2."),
        (f"/console/inbox/{document}", f"/console/inbox/{document}/draft", {"reason": "hate_speech"},
         "Черновик сохранён"),
        (f"/console/inbox/{document}", f"/console/inbox/{document}/dismiss", {"reason": "Дубликат."},
         f"Документ {document} отклонён."),
        ("/audit", "/audit/verify", {}, "Цепочка аудита цела"),
        ("/console", "/console/bulk", {"action": "claim"}, "Выберите один или несколько элементов"),
    ):
        sent = post_form(web, form_page, action, data)
        assert sent.status_code == 303, (action, sent.status_code, sent.text[:300])
        page = web.get(sent.headers["location"]).text
        flashes = " ".join(re.findall(r'<div class="flash flash-\w+" role="\w+">(.*?)</div>', page, flags=re.S))
        assert shown in html.unescape(flashes), (action, flashes)
        assert english_left(flashes) == [], action


def test_english_stays_the_default(web: Any, desk: dict[str, int]) -> None:
    dashboard = web.get("/console/dashboard").text
    assert '<html lang="en">' in dashboard and "<h1>Dashboard</h1>" in dashboard and "Clocks" in dashboard
    assert "<h1>Audit log</h1>" in web.get("/audit").text
    assert "<h1>Verifiable log</h1>" in web.get("/audit/log").text
    assert "Explanations reviewers start a decision from" in web.get("/console/templates").text
    assert "The letter's text" in web.get(f"/console/inbox/{desk['document']}").text
    # And the checker sees English when it is there.
    assert english_left(visible(dashboard))

"""The staff console in Russian: every string the console's templates mark is in the Russian
catalogs (``console.po`` merged with ``messages.po``), and a reviewer who chose Russian reads
the queue and an item's page in it, while English stays the default."""

from __future__ import annotations

import re
from typing import Any

import pytest
from argon2 import PasswordHasher

from docket.parties import service as parties
from docket.web import i18n
from tests.conftest import PASSWORD
from tests.web.conftest import post_form, sign_in
from tests.web.i18n_console import TEMPLATES, missing, msgids

REVIEWER = "alice@docket.test"


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parties, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def test_every_string_of_the_translated_console_templates_is_in_russian() -> None:
    assert len(TEMPLATES) >= 9 and len(msgids()) > 200  # the extraction found the templates' strings
    assert {"Review queue", "Item %(id)s", "Next step", "Saved views"} <= msgids()
    assert missing("ru") == []


def test_the_console_catalog_is_merged_after_the_pages_catalog() -> None:
    _ = i18n.gettext_for("ru")
    assert _("Review queue") == "Очередь на рассмотрение"  # console.po
    assert _("Queue") == "Очередь"  # messages.po
    assert _("Appeals") == "Обжалования"  # console.po wins over messages.po's word
    assert _("Item %(id)s", id=7) == "Элемент 7"
    # Languages without a console catalog show the console in English; English is the msgids.
    assert i18n.gettext_for("de")("Review queue") == "Review queue"
    assert i18n.gettext_for("en")("Review queue") == "Review queue"


@pytest.fixture
def item_id(client: Any, platform: Any, kz_ministry: Any) -> int:
    r = client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-1", "url": "https://social.example/@x/1", "type": "post", "author_id": "author-1",
        "language": "ru"})
    assert r.status_code in (200, 201), r.text
    r = client.post("/api/v1/requests", headers=kz_ministry.headers, json={
        "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "x",
        "legal_basis": [{"law": "kz-online-platforms-9"}], "items": [{"url": "https://social.example/@x/1"}]})
    assert r.status_code == 201, r.text
    return int(r.json()["items"][0]["id"])


def test_a_reviewer_who_chose_russian_reads_the_queue_and_an_item_in_russian(
        web: Any, make_user: Any, item_id: int) -> None:
    make_user(REVIEWER, "reviewer", password=PASSWORD)
    assert sign_in(web, REVIEWER).status_code == 303
    english = web.get("/console").text
    assert '<html lang="en">' in english and "<h1>Review queue</h1>" in english
    assert f"<h1>Item {item_id}" in web.get(f"/console/items/{item_id}").text

    chosen = post_form(web, "/console", "/language", {"lang": "ru", "next": "/console"})
    assert chosen.status_code == 303
    queue = web.get("/console", headers={"Accept-Language": "en"}).text
    assert '<html lang="ru">' in queue and "<h1>Очередь на рассмотрение</h1>" in queue
    assert 'aria-current="page">Очередь</a>' in queue and ">Обжалования</a>" in queue
    assert '<th scope="col">Юрисдикция</th>' in queue and "Поиск и фильтры" in queue
    assert f">Элемент {item_id}</a>" in queue and "Взять в работу" in queue
    # Labels the code computes: the state, the time left.
    assert '<td data-label="Состояние">Получен</td>' in queue and " мин</span>" in queue and "осталось " in queue
    assert "Review queue" not in queue and "Search and filters" not in queue
    # The keyboard script's hooks stay as they were; the narrow layout's cell labels are in Russian.
    assert f'<tr data-item="{item_id}"' in queue and 'data-label="Юрисдикция"' in queue

    page = web.get(f"/console/items/{item_id}").text
    assert f"<h1>Элемент {item_id} " in page and '<h2 id="request-heading">Запрос</h2>' in page
    assert '<h2 id="content-heading">Контент</h2>' in page and "История автора" in page
    assert '<h2 id="next-heading">Следующий шаг</h2>' in page and "Внутреннее обсуждение" in page
    assert "The request" not in page and "Next step" not in page
    assert '<h3 id="step-policy">Проверка на соответствие правилам платформы</h3>' in page
    assert ">Не нарушает правила платформы</label>" in page and "Within the platform's rules" not in page
    assert "шаг «проверка на соответствие правилам платформы»" in page  # what the item waits for

    request_id = re.search(r'href="/console/requests/(\d+)"', page).group(1)  # type: ignore[union-attr]
    request_page = web.get(f"/console/requests/{request_id}").text
    assert f"<title>Запрос {request_id} · " in request_page and f"<h1>Запрос {request_id}</h1>" in request_page
    assert "Один вывод для нескольких элементов" in request_page and "One finding" not in request_page


def test_russian_from_the_address_and_english_by_default(web: Any, make_user: Any, item_id: int) -> None:
    make_user(REVIEWER, "reviewer", password=PASSWORD)
    assert sign_in(web, REVIEWER).status_code == 303
    assert "<h1>Очередь на рассмотрение</h1>" in web.get("/console?lang=ru").text
    approvals = web.get("/console/approvals?lang=ru").text
    assert "<h1>Утверждения</h1>" in approvals and "Утверждения ничего не ожидает." in approvals
    assert "<h1>Обжалования</h1>" in web.get("/console/appeals?lang=ru").text
    for path, heading in (("/console/views", "Представления"), ("/console/teams", "Команды"),
                          ("/console/mentions", "Упоминания")):
        assert f"<h1>{heading}</h1>" in web.get(f"{path}?lang=ru").text, path
    assert "У вас пока нет сохранённых представлений." in web.get("/console/views?lang=ru").text
    inbox = web.get("/console/inbox?lang=ru").text
    assert "<h1>Входящие</h1>" in inbox and "Добавить документ во входящие" in inbox
    web.cookies.delete("docket_lang")
    assert "<h1>Review queue</h1>" in web.get("/console").text

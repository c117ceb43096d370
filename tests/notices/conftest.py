from __future__ import annotations

import re
from typing import Any

import pytest

from docket.notices import service as notices
from docket.notices.worker import OutboxWorker
from docket.store import transaction
from tests.notices.receivers import SmtpReceiver, WebhookReceiver


@pytest.fixture
def smtp() -> Any:
    with SmtpReceiver() as receiver:
        yield receiver


@pytest.fixture
def hooks(sessions: Any, platform: Any) -> Any:
    """A real HTTP receiver registered for every event type, verifying signatures."""
    with WebhookReceiver() as receiver:
        with transaction(sessions) as s:
            notices.add_endpoint(session=s, actor="test", owner_id=platform.id, url=receiver.url + "/hooks",
                                 event_types=list(notices.EVENT_TYPES), secret=receiver.secret,
                                 allow_private=True)  # on 127.0.0.1, as DOCKET_WEBHOOKS_ALLOW_PRIVATE=true
        yield receiver


@pytest.fixture
def worker(app: Any, settings: Any, smtp: Any) -> Any:
    """An outbox worker on the test database, sending to the loopback SMTP server; ``drain()``
    delivers everything due."""
    live = settings.model_copy(update={"smtp_url": smtp.url, "outbox_backoff_seconds": 0.05})
    app.state.settings = live
    runner = OutboxWorker(app.state.sessionmaker, live)

    def drain() -> int:
        total = 0
        while (n := runner.run_once()):
            total += n
        return total

    runner.drain = drain
    yield runner
    runner.stop()


def appeal_token(text: str) -> str:
    found = re.search(r"token=([0-9]+\.[A-Za-z0-9_-]+)", text)
    assert found, text
    return found.group(1)


def body_text(message: Any) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


@pytest.fixture
def kz_case(client: Any, platform: Any, kz_ministry_with_email: Any, act: Any, reviewer_alice: Any,
            bob_legal: Any, carol_rights: Any, dana_kz: Any) -> Any:
    """A Kazakh request about a post by a Kazakh-speaking author, taken to a restriction in KZ.

    ``go(confidential=False)`` returns (request, item id, decision)."""

    def go(**changes: Any) -> tuple[dict[str, Any], int, dict[str, Any]]:
        client.post("/api/v1/content", headers=platform.headers, json={
            "id": "post-81724", "url": "https://social.example/@aidos_k/81724", "type": "post",
            "author_id": "aidos_k", "author_contact": "aidos@mail.example", "language": "kk"})
        body = {"jurisdiction": "KZ", "reason": "hate_speech", "language": "ru", "reference": "MISD-2026/1300",
                "legal_basis": [{"law": "kz-online-platforms-9", "provision": "Art. 9(2)"}],
                "explanation": "Calls for violence against an ethnic group.",
                "items": [{"url": "https://social.example/@aidos_k/81724"}], **changes}
        request = client.post("/api/v1/requests", json=body, headers=kz_ministry_with_email.headers).json()
        item = request["items"][0]["id"]
        act(reviewer_alice, f"/items/{item}/review", step="policy", finding="compliant")
        act(bob_legal, f"/items/{item}/review", step="legal", finding="illegal")
        act(carol_rights, f"/items/{item}/review", step="rights", finding="no_concern")
        decision = act(dana_kz, f"/items/{item}/decision", expect=201, outcome="restricted",
                       law="kz-online-platforms-9", provision="Art. 9(2)",
                       explanation="The post calls for violence against an ethnic group.")
        assert decision["takes_effect"], decision
        return request, item, decision

    return go


@pytest.fixture
def kz_ministry_with_email(make_submitter: Any) -> Any:
    return make_submitter("Ministry of Information and Social Development", "government_agency", "KZ",
                          email="requests@misd.example.kz")

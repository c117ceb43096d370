"""Webhooks never reach docket's own network: loopback, private, link-local, CGNAT,
multicast, reserved and cloud metadata addresses are refused at registration (422) and
at delivery after DNS, unless DOCKET_WEBHOOKS_ALLOW_PRIVATE=true (which the rest of the
tests set: their receivers listen on 127.0.0.1). A delivery connects to the address it
checked: the name is resolved once."""

# ruff: noqa: ANN001, ANN201  (fixtures as in the other notices tests)
from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from docket.notices import addresses
from docket.notices.delivery import DeliveryError, post_webhook
from docket.notices.models import WebhookEndpoint
from docket.notices.worker import OutboxWorker
from docket.outbox.models import OutboxMessage
from docket.store import transaction
from tests.notices.receivers import WebhookReceiver

FORBIDDEN = {
    "127.0.0.1": "loopback", "127.8.9.10": "loopback", "::1": "loopback",
    "10.1.2.3": "private", "172.16.0.1": "private", "192.168.1.1": "private", "fc00::5": "private",
    "169.254.169.254": "cloud metadata", "fd00:ec2::254": "cloud metadata", "100.100.100.200": "cloud metadata",
    "169.254.1.1": "link-local", "fe80::1": "link-local",
    "100.64.0.1": "carrier-grade NAT", "224.0.0.251": "multicast", "ff02::1": "multicast",
    "240.0.0.1": "reserved", "0.0.0.0": "unspecified", "::": "unspecified", "192.0.2.10": "private",
    "::ffff:127.0.0.1": "loopback", "::ffff:169.254.169.254": "cloud metadata",
    "64:ff9b::a9fe:a9fe": "cloud metadata", "2002:a00:1::1": "private",
}
PUBLIC = ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "8.8.8.8"]


@pytest.mark.parametrize(("address", "reason"), sorted(FORBIDDEN.items()))
def test_non_public_addresses_are_named_for_what_they_are(address: str, reason: str) -> None:
    said = addresses.why_not(ipaddress.ip_address(address))
    assert said is not None and reason in said, said


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert addresses.why_not(ipaddress.ip_address(address)) is None


@pytest.fixture
def strict(app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The app as deployed: DOCKET_WEBHOOKS_ALLOW_PRIVATE unset."""
    monkeypatch.setattr(app.state, "settings", app.state.settings.model_copy(update={"webhooks_allow_private": False}))
    return app


@pytest.mark.parametrize(("url", "said"), [
    ("http://127.0.0.1:9/h", "127.0.0.1: a loopback address"),
    ("http://169.254.169.254/latest/meta-data/", "cloud metadata service"),
    ("http://[fd00:ec2::254]/latest", "cloud metadata service"),
    ("https://10.0.0.8/hooks", "a private address"),
    ("http://[::ffff:7f00:1]:8080/", "loopback"),
    ("http://localhost:8080/hooks", "a loopback name"),
    ("http://2130706433/", "loopback"),  # 127.0.0.1 as one number: what the resolver makes of it
])
def test_registration_refuses_a_non_public_address(strict, client, platform, sessions, url: str, said: str) -> None:
    r = client.post("/api/v1/webhooks", headers=platform.headers, json={"url": url, "event_types": ["decision.made"]})
    assert r.status_code == 422, r.text
    problem = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert said in problem["detail"] and "DOCKET_WEBHOOKS_ALLOW_PRIVATE" in problem["detail"]
    assert [e["field"] for e in problem["errors"]] == ["url"]
    with transaction(sessions) as s:
        assert s.query(WebhookEndpoint).count() == 0


def test_registration_takes_a_public_name_and_one_that_does_not_resolve_yet(strict, client, platform) -> None:
    for url in ("https://8.8.8.8/hooks", "https://hooks.platform.invalid/docket"):
        r = client.post("/api/v1/webhooks", headers=platform.headers,
                        json={"url": url, "event_types": ["decision.made"]})
        assert r.status_code == 201, r.text


def test_with_the_setting_a_loopback_receiver_may_be_registered(client, platform) -> None:
    r = client.post("/api/v1/webhooks", headers=platform.headers,
                    json={"url": "http://127.0.0.1:9/h", "event_types": ["decision.made"]})
    assert r.status_code == 201, r.text


def test_delivery_refuses_a_loopback_receiver_without_the_setting() -> None:
    with WebhookReceiver() as hooks:
        with pytest.raises(DeliveryError) as refused:
            post_webhook(hooks.url, hooks.secret, msg_id="n-1", event_type="t", payload={})
        assert refused.value.permanent and "a loopback address" in str(refused.value)
        assert hooks.requests == 0  # nothing reached it
        assert post_webhook(hooks.url, hooks.secret, msg_id="n-1", event_type="t", payload={},
                            allow_private=True) == 204


def test_a_name_is_checked_after_dns_and_every_address_it_has_counts() -> None:
    def resolve(host: str, port: int) -> list[str]:
        return ["93.184.215.14", "169.254.169.254"]  # one public, one the metadata service

    with pytest.raises(DeliveryError) as refused:
        post_webhook("https://hooks.platform.example/x", "whsec_" + "A" * 32, msg_id="n", event_type="t",
                     payload={}, resolve=resolve)
    assert "hooks.platform.example resolves to 169.254.169.254: a cloud metadata service" in str(refused.value)


def test_a_name_that_does_not_resolve_is_retried_later() -> None:
    def resolve(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(DeliveryError) as failed:
        post_webhook("https://hooks.platform.example/x", "whsec_" + "A" * 32, msg_id="n", event_type="t",
                     payload={}, resolve=resolve)
    assert not failed.value.permanent and "does not resolve" in str(failed.value)


def test_delivery_connects_to_the_address_it_checked_with_the_name_as_host() -> None:
    """Resolved once: a second answer (a rebinding DNS server's) is never asked for."""
    answers = [["127.0.0.1"], ["10.9.9.9"]]

    def resolve(host: str, port: int) -> list[str]:
        return answers.pop(0)

    with WebhookReceiver() as hooks:
        url = hooks.url.replace("127.0.0.1", "hooks.platform.example") + "/in"
        assert post_webhook(url, hooks.secret, msg_id="n-1", event_type="t", payload={}, resolve=resolve,
                            allow_private=True) == 204
        [delivered] = hooks.wait_for(1)
        assert delivered.headers["host"] == f"hooks.platform.example:{hooks.port}"
    assert answers == [["10.9.9.9"]]  # asked once


def test_the_worker_checks_again_at_delivery(app, settings, sessions, platform) -> None:
    """An endpoint registered while allowed (or whose name now points inward) is refused
    by a worker without the setting: the message goes to the dead letter with the reason."""
    from docket.notices import service as notices

    with WebhookReceiver() as hooks:
        with transaction(sessions) as s:
            notices.add_endpoint(session=s, actor="test", owner_id=platform.id, url=hooks.url + "/hooks",
                                 event_types=["decision.made"], secret=hooks.secret, allow_private=True)
            [message] = notices.enqueue_event(session=s, event_type="decision.made", payload={"n": 1})
            s.flush()
            outbox_id = message.id
        strict = settings.model_copy(update={"webhooks_allow_private": False})
        OutboxWorker(app.state.sessionmaker, strict).run_once()
        assert hooks.requests == 0
    with sessions() as s:
        row: Any = s.get(OutboxMessage, outbox_id)
        assert row.status == "dead" and "a loopback address" in (row.last_error or "")

"""A copy of restricted content that docket's matcher found is the platform's own detection:
a case of its own (channel ``match``, kind ``platform``), never a government's request in
the transparency report, and voluntary (``SOURCE_VOLUNTARY``) in the DSA statements."""

# ruff: noqa: F811  (tests take the imported ``restricted`` fixture as a parameter)
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from docket.review.models import Decision
from docket.store import transaction, utcnow
from tests.matching.conftest import POST_TEXT, eventually, restricted  # noqa: F401  (the fixture)
from tests.matching.test_copies import copy_items, register
from tests.transparency.test_exports import run, statements_in


def test_a_copy_is_no_government_request_and_a_voluntary_statement(
        client: Any, platform: Any, restricted: Any, reviewer_alice: Any, dana_kz: Any, sessions: Any,
        tmp_path: Path) -> None:
    decision, _ = restricted("post-9", text=POST_TEXT)
    assert eventually(lambda: client.post("/api/v1/match", headers=platform.headers,
                                          json={"text": POST_TEXT}).json()["matches"])
    register(client, platform, "repost-9", text=POST_TEXT.replace("nine", "ten"))
    [copy] = copy_items(client, reviewer_alice, sessions, decision)
    confirmed = client.post(f"/api/v1/items/{copy['id']}/confirm-copy", headers=dana_kz.headers)
    assert confirmed.status_code == 201, confirmed.text
    today = utcnow().date()
    days = ["--from", (today - dt.timedelta(days=1)).isoformat(), "--to", (today + dt.timedelta(days=1)).isoformat()]

    report = run("report", *days)
    kinds = sorted((r["requester_kind"], r["requests"], r["items"]) for r in report["requests"])
    assert kinds == [("government_agency", 1, 1), ("platform", 1, 1)]
    # Google's summary and the equal-treatment figures count governments only: the ministry's one request.
    assert [g["code"] for g in report["google_summary"]] == ["KZ"]
    equal = report["equal_treatment"]["submitters"]
    assert [(s["kind"], s["requests"], s["items"]) for s in equal] == [("government_agency", 1, 1)]

    # The Transparency Database takes decisions with effect in the EEA: say both were also in Germany.
    with transaction(sessions) as s:
        for one in (decision, confirmed.json()["id"]):
            s.get(Decision, one).scope = ["KZ", "DE"]
    run("export", "dsa", *days, "--out", str(tmp_path))
    found = {s["puid"].rsplit("-", 1)[1]: s for s in statements_in(tmp_path)}
    original, own = found[str(decision)], found[str(confirmed.json()["id"])]
    assert original["source_type"] == "SOURCE_TYPE_OTHER_NOTIFICATION"
    assert (own["source_type"], own["automated_detection"], own["automated_decision"]) == (
        "SOURCE_VOLUNTARY", "Yes", "AUTOMATED_DECISION_NOT_AUTOMATED")
    assert "source_identity" not in own and "copy of content restricted earlier" in own["decision_facts"]

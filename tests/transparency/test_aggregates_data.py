"""Requests for user data in the period report: counted apart from the content figures
(referred, never acted on) and from the figures per request (months, equal treatment),
and the same when the report is replayed from the log."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from typer.testing import CliRunner

from docket.cli import app as cli

TODAY = dt.datetime.now(dt.UTC).date()
PERIOD = ["--from", (TODAY - dt.timedelta(days=1)).isoformat(), "--to", (TODAY + dt.timedelta(days=2)).isoformat()]
ORDER = {"jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Calls for violence.",
         "legal_basis": [{"law": "kz-online-platforms-9"}]}


def report(*args: str) -> dict[str, Any]:
    out = CliRunner().invoke(cli, ["report", *PERIOD, *args, "--json"])
    assert out.exit_code == 0, out.output
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def test_data_requests_are_counted_apart(client: Any, platform: Any, kz_ministry: Any, de_court: Any,
                                         reviewer_alice: Any) -> None:
    client.post("/api/v1/content", headers=platform.headers, json={
        "id": "post-1", "url": "https://social.example/post-1", "type": "post"})

    def send(who: Any, **body: Any) -> dict[str, Any]:
        r = client.post("/api/v1/requests", headers=who.headers, json={**ORDER, **body})
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    # Content and a disclosure in one request; a disclosure and a preservation alone; content only.
    send(kz_ministry, items=[{"content_id": "post-1"}], measures=[
        {"kind": "restrict_content"}, {"kind": "disclose_data", "account": "acct-1"},
        {"kind": "disclose_data", "account": "acct-2"}])
    send(kz_ministry, measures=[{"kind": "disclose_data", "account": "acct-3"},
                                {"kind": "preserve_data", "account": "acct-3"}])
    noted = send(de_court, jurisdiction="DE", legal_basis=[{"law": "de-netzdg-3"}], items=[{"content_id": "post-1"}],
                 other_items="the copies on other pages")
    r = client.post(f"/api/v1/requests/{noted['id']}/other-items", headers=reviewer_alice.headers, json={
        "resolution": "items", "items": [{"url": "https://social.example/copy-1"}], "explanation": "One copy."})
    assert r.status_code == 200, r.text

    data = report()
    totals = data["totals"]
    assert (totals["data_disclosure_requests"], totals["data_preservation_requests"]) == (2, 1)
    # The content figures count the requests that name content, and their items (the copy found too).
    assert (totals["requests"], totals["items"]) == (2, 3)
    # So do the figures per request: the months, and the ministry's requests beside the court's
    # (its request for user data only is in the data figures alone).
    assert sum(m["requests"] for m in data["requests_by_month"]) == 2
    assert sum(r["requests"] for r in data["requests"]) == 2
    assert sorted((s["kind"], s["requests"]) for s in data["equal_treatment"]["submitters"]) == [
        ("court", 1), ("government_agency", 1)]
    # The log alone gives the same figures.
    size = data["log"]["size"]
    again = report("--at", str(size))
    assert {k: v for k, v in again.items() if k != "generated_at"} == {
        k: v for k, v in data.items() if k != "generated_at"}

"""What the portal tells a liaison about each item (``appeals.history``): the decision, the
effect given, appeals and a reversal with their dates; and the CSV export of the
organisation's own requests (the portal's and the API's)."""

from __future__ import annotations

import csv
import io
from typing import Any

from docket.appeals import tokens
from tests.conftest import SECRET
from tests.web.conftest import post_form, sign_in

OFFICIAL = "aigerim@mid.kz.example"


def _reversed(web: Any, decided: Any, make_user: Any) -> tuple[int, dict[str, Any]]:
    """The ministry's restriction of post-9, appealed by its author and reversed."""
    decision = decided()
    token = tokens.make(SECRET, decision)
    post_form(web, f"/appeal?token={token}", "/appeal", {"token": token, "statement": "This is reporting."})
    judge = make_user("grace@docket.test", "legal", "reviewer")
    [appeal] = web.get("/api/v1/appeals?status=open", headers=judge.headers).json()
    decided_appeal = web.post(f"/api/v1/appeals/{appeal['id']}/decision", headers=judge.headers,
                              json={"outcome": "reversed", "explanation": "Reporting."})
    assert decided_appeal.status_code == 200, decided_appeal.text
    web.cookies.clear()
    return decision, decided_appeal.json()


def test_the_portal_shows_a_reversal_with_its_date(web: Any, decided: Any, make_user: Any, make_person: Any,
                                                     kz_ministry: Any) -> None:
    _decision, appeal = _reversed(web, decided, make_user)
    make_person(kz_ministry, OFFICIAL)
    sign_in(web, OFFICIAL)
    [request] = web.get("/api/v1/requests", headers=kz_ministry.headers).json()["requests"]
    page = web.get(f"/portal/requests/{request['id']}").text
    day = appeal["decided_at"][:10]
    assert "The decision was reversed on appeal on " + day in page
    assert "The restriction was lifted on " + day in page
    assert "by the content's author" in page and "reversed on " + day in page
    assert "not restricted" in page


def test_the_csv_has_one_row_per_item_with_the_reversal(web: Any, decided: Any, make_user: Any,
                                                          make_person: Any, kz_ministry: Any, de_court: Any) -> None:
    _decision, appeal = _reversed(web, decided, make_user)
    make_person(kz_ministry, OFFICIAL)
    sign_in(web, OFFICIAL)
    download = web.get("/portal/requests.csv")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    [row] = list(csv.DictReader(io.StringIO(download.text)))
    assert row["outcome"] == "restricted" and row["scope"] == "KZ"
    assert row["appeals_filed"] == "1" and row["last_appeal_outcome"] == "reversed"
    assert row["reversed_at"][:10] == appeal["decided_at"][:10] and row["restriction_lifted_at"]
    assert row["restricted_now"] == "no"
    # The API gives the same file; another authority's export does not hold this request.
    api = web.get("/api/v1/requests?format=csv", headers=kz_ministry.headers)
    assert api.status_code == 200 and list(csv.DictReader(io.StringIO(api.text))) == [row]
    other = web.get("/api/v1/requests?format=csv", headers=de_court.headers)
    assert list(csv.DictReader(io.StringIO(other.text))) == []


def test_the_csv_pages_newest_first_and_cells_are_never_formulas(client: Any, kz_ministry: Any) -> None:
    for n in range(3):
        client.post("/api/v1/requests", headers=kz_ministry.headers, json={
            "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "x", "reference": f"=HYPERLINK({n})",
            "legal_basis": [{"law": "kz-online-platforms-9"}], "items": [{"url": f"https://social.example/@m/{n}"}]})
    first = client.get("/api/v1/requests?format=csv&limit=2", headers=kz_ministry.headers)
    rows = list(csv.DictReader(io.StringIO(first.text)))
    assert [r["reference"] for r in rows] == ["'=HYPERLINK(2)", "'=HYPERLINK(1)"]
    link = first.headers["link"]
    assert 'rel="next"' in link
    rest = client.get("/api/v1/requests" + link[1:link.index(">")], headers=kz_ministry.headers)
    assert [r["reference"] for r in csv.DictReader(io.StringIO(rest.text))] == ["'=HYPERLINK(0)"]


def test_lists_are_by_date_received_newest_first(client: Any, sessions: Any, settings: Any,
                                                 kz_ministry: Any) -> None:
    import datetime as dt

    from docket import store
    from docket.intake import submission
    from docket.intake.models import Channel
    from docket.intake.schemas import RequestCreate
    from docket.parties.models import Submitter

    body = {"jurisdiction": "KZ", "reason": "hate_speech", "explanation": "x",
            "legal_basis": [{"law": "kz-online-platforms-9"}], "items": [{"url": "https://social.example/@m/1"}]}
    recent = client.post("/api/v1/requests", headers=kz_ministry.headers, json=body).json()["id"]
    # Entered later, received a month earlier (a letter typed in from the inbox, say).
    with store.transaction(sessions) as s:
        older = submission.submit(session=s, settings=settings, submitter=s.get(Submitter, kz_ministry.id),
                                  data=RequestCreate.model_validate(body), channel=Channel.document,
                                  now=store.utcnow() - dt.timedelta(days=30)).request
        assert older is not None
        older_id = older.id
    assert older_id > recent
    first = client.get("/api/v1/requests?limit=1", headers=kz_ministry.headers).json()
    assert [r["id"] for r in first["requests"]] == [recent]
    rest = client.get(f"/api/v1/requests?limit=1&cursor={first['next_cursor']}", headers=kz_ministry.headers).json()
    assert [r["id"] for r in rest["requests"]] == [older_id] and rest["next_cursor"] is None
    assert client.get("/api/v1/requests?cursor=bm9wZQ", headers=kz_ministry.headers).status_code == 422


def test_the_csv_next_link_keeps_the_filters(client: Any, kz_ministry: Any, de_court: Any,
                                              reviewer_alice: Any) -> None:
    """Following the Link gives the next page of the *filtered* list, not of every request."""
    def send(who: Any, jurisdiction: str, law: str, n: int) -> None:
        answer = client.post("/api/v1/requests", headers=who.headers, json={
            "jurisdiction": jurisdiction, "reason": "hate_speech", "explanation": "x", "reference": f"REF-{n}",
            "legal_basis": [{"law": law}], "items": [{"url": f"https://social.example/@m/{n}"}]})
        assert answer.status_code == 201, answer.text

    for n in range(3):  # KZ and DE requests, interleaved
        send(kz_ministry, "KZ", "kz-online-platforms-9", n)
        send(de_court, "DE", "de-netzdg-3", 10 + n)
    since = "2000-01-01T00:00:00+00:00"  # a "+" that must travel encoded
    first = client.get("/api/v1/requests", headers=reviewer_alice.headers,
                       params={"format": "csv", "limit": "2", "jurisdiction": "KZ", "received_from": since})
    assert [r["reference"] for r in csv.DictReader(io.StringIO(first.text))] == ["REF-2", "REF-1"]
    link = first.headers["link"]
    target = link[1:link.index(">")]
    assert "jurisdiction=KZ" in target and "received_from=2000-01-01T00%3A00%3A00%2B00%3A00" in target
    rest = client.get("/api/v1/requests" + target, headers=reviewer_alice.headers)
    assert rest.status_code == 200, rest.text
    assert [r["reference"] for r in csv.DictReader(io.StringIO(rest.text))] == ["REF-0"]
    assert "link" not in rest.headers

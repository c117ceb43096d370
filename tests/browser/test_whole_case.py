"""A whole case in Chromium, from the official's request to the reversed appeal; one full
decision with the keyboard only; the main staff pages at 360 px and at 1440 px.

Everything runs for real: the app over HTTP, the outbox worker sending to a loopback SMTP
server, sign-in with argon2 (at its lowest cost, see ``quick_passwords``), the visibility
index following the restriction feed, and the ``docket report`` command."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from docket.parties import service as parties
from tests.browser.conftest import (
    NARROW,
    WIDE,
    focus_outline,
    h1_count,
    scroll_width,
    sign_in_with_keyboard,
    tab_to,
)
from tests.notices.receivers import SmtpReceiver
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser

AUTHOR = "aidos@mail.example"
POST = {"id": "post-77", "url": "https://social.example/@aidos/77", "type": "post",
        "author_id": "aidos", "language": "ru", "author_contact": AUTHOR,
        "text": "Акимат украл деньги на дорогу: вот документы. Выходите все к акимату в субботу."}
LAW = "kz-informatization-18-2"


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its lowest cost for the people these tests create (about 1 s less per
    sign-in on a loaded machine). Sign-in itself is unchanged: it verifies the stored hash."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(parties, "_hasher", cheap)


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    with SmtpReceiver() as receiver:
        yield receiver


# ---------------------------------------------------------------------------- helpers


def _until(check: Callable[[], Any], what: str, timeout: float = 10) -> Any:
    """Poll ``check`` until it returns something truthy (the worker and the feed run apart)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _mail(smtp: SmtpReceiver, to: str, kind: str) -> Any:
    """The first e-mail of ``kind`` to ``to``, as the live server's outbox worker sent it."""
    def first() -> Any:
        return next((m for m in smtp.messages_to(to) if m["X-Docket-Notice"] == kind), None)

    return _until(first, f"a {kind} e-mail to {to} "
                         f"(got {[m['X-Docket-Notice'] for m in smtp.messages]})")


def _text(message: Any) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())


def _visible(server: Any, platform: Any, content_id: str, country: str) -> bool:
    with server.client(platform) as api:
        r = api.get("/api/v1/visibility", params={"content_id": content_id, "country": country})
        assert r.status_code == 200, r.text
        return bool(r.json()["visible"])


def _status(page: Any) -> str:
    """The flash message of the page (success and warnings are role=status)."""
    return str(page.locator("main [role=status]").first.inner_text())


def _submit(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def _register(server: Any, platform: Any, post: dict[str, Any]) -> None:
    with server.client(platform) as api:
        r = api.post("/api/v1/content", json=post)
        assert r.status_code in (200, 201), r.text


PLAIN = """() => {
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const fields = [...document.querySelectorAll('input:not([type=hidden]), select, textarea')];
  return {
    duplicate_ids: ids.filter((id, i) => ids.indexOf(id) !== i),
    unlabelled: fields.filter(f => !(f.labels && f.labels.length) && !f.getAttribute('aria-label'))
                      .map(f => f.name || f.id),
    h1: document.querySelectorAll('h1').length,
    title: document.title.trim(),
  };
}"""


def _check_plain(page: Any) -> None:
    """One h1, a title, a label on every field and no id twice (so every label finds its field)."""
    found = page.evaluate(PLAIN)
    assert (found["h1"], found["duplicate_ids"], found["unlabelled"]) == (1, [], []), \
        (page.url, found)
    assert found["title"], page.url


def _cell(row: Any, label: str) -> str:
    """A cell of the portal's items table by its column (data-label)."""
    return str(row.locator(f"td[data-label='{label}']").inner_text()).strip()


# ---------------------------------------------------------------------------- 1. the whole case


def test_the_whole_case_from_the_portal_to_the_reversed_appeal(
        start_server: Any, new_page: Any, smtp: SmtpReceiver, kz_ministry: Any, make_person: Any,
        make_user: Any, platform: Any, screenshot: Any, tmp_path: Path) -> None:
    server = start_server(run_worker=True, smtp_url=smtp.url, outbox_poll_seconds=0.1,
                          outbox_backoff_seconds=0.05)
    make_person(kz_ministry, "aigerim@misd.example.kz", "Aigerim Nurpeisova")
    bob = make_user("bob@docket.test", "reviewer", "legal", "rights", password=PASSWORD)
    dana = make_user("dana@docket.test", "local_representative", jurisdictions=("KZ",),
                     password=PASSWORD)
    make_user("frank@docket.test", "reviewer", "legal", password=PASSWORD)  # for the appeal
    make_user("ada@docket.test", "admin", password=PASSWORD)
    _register(server, platform, POST)

    # -- The official sends the request through the portal form.
    official = new_page(server)
    sign_in_with_keyboard(official, "aigerim@misd.example.kz", PASSWORD)
    assert official.url == f"{server.url}/portal"
    official.goto("/portal/requests/new")
    # The agency's own country is chosen already.
    assert official.get_by_label("Country whose law applies").input_value() == "KZ"
    official.get_by_label("Reason").select_option("hate_speech")
    official.get_by_label("Law from the catalog").select_option(LAW)
    official.get_by_label("Provision", exact=True).fill("Art. 18-2(1)")
    official.get_by_label("Explanation").fill(
        "The post calls on readers to gather at the akimat and names officials as thieves; "
        "incitement under Art. 174 of the Criminal Code.")
    official.get_by_label("Content, one a line").fill(POST["url"] + "\n")
    official.get_by_label("Your reference number").fill("MISD-2026/114")
    official.get_by_label("Issuing officer", exact=True).fill("A. Nurpeisova")
    official.get_by_label("Language for our replies").fill("ru")
    _check_plain(official)
    screenshot(official, "portal-new-request")
    _submit(official, "Send the request")
    request_id = int(re.fullmatch(rf"{server.url}/portal/requests/(\d+)", official.url).group(1))
    assert re.fullmatch(rf"Request {request_id} is received\. It is due by .+", _status(official))
    assert official.locator("h1").inner_text() == f"Request {request_id} · MISD-2026/114"
    facts = official.locator("dl.facts").inner_text()
    assert "24 hours, set by kz-informatization-18-2" in facts and "via portal" in facts
    row = official.locator("table.items tbody tr")
    assert row.count() == 1 and _cell(row, "Status") == "received, waiting for review"

    # -- A reviewer finds it in the queue, claims it and does the three review steps.
    reviewer = new_page(server)
    sign_in_with_keyboard(reviewer, "bob@docket.test", PASSWORD)
    reviewer.goto("/console")
    rows = reviewer.locator("table.queue tbody tr")
    assert rows.count() == 1
    item_id = int(rows.first.get_attribute("data-item"))
    queued = rows.first.inner_text()
    for expected in ("post-77", "Kazakhstan (KZ)", "Hate speech", "government agency", "Received",
                     "nobody"):
        assert expected in queued, expected
    assert re.search(r"\b2[0-4] h \d+ min left", queued), queued  # a 24-hour clock, just started
    _check_plain(reviewer)
    screenshot(reviewer, "console-queue")
    _submit(reviewer, f"Claim item {item_id}")
    assert _status(reviewer).startswith(f"You claimed item {item_id} until ")
    assert "you" in reviewer.locator(f"tr[data-item='{item_id}']").inner_text()
    with reviewer.expect_navigation():
        reviewer.get_by_role("link", name=f"Item {item_id}", exact=True).click()
    main = reviewer.locator("main").inner_text()
    assert "Claimed by you until" in main and POST["text"] in main and "MISD-2026/114" in main
    for finding, button, state in (
            ("Within the platform's rules", "Record the policy review", "Legal review"),
            ("Illegal under the cited law", "Record the legal review", "Human-rights review"),
            ("No human-rights concern", "Record the human-rights review", "Human-rights review")):
        reviewer.get_by_label(finding).check()
        reviewer.locator("#next textarea[name=notes]").fill(f"{finding}: checked against the text.")
        _submit(reviewer, button)
        assert _status(reviewer).endswith(f"The item is now in: {state}."), _status(reviewer)
    assert reviewer.locator("#steps-heading + .table-wrap tbody tr").count() == 3

    # -- The decision: restrict in Kazakhstan; the catalog wants the local representative's
    # sign-off (four eyes).
    decide = reviewer.locator("#decide")
    assert decide.get_by_role("radio").count() == 1  # only what follows from the findings
    decide.get_by_label("Restrict in the chosen countries: illegal under local law").check()
    assert decide.get_by_label("Countries where it is restricted").evaluate(
        "s => [...s.selectedOptions].map(o => o.value)") == ["KZ"]
    decide.get_by_label("Provision of the law (article, paragraph)").fill("Art. 18-2(1)")
    decide.locator("#f-explanation").fill(
        "The post calls for an unauthorised gathering at the akimat; restricted in Kazakhstan "
        "only, under Art. 18-2 of the Law on Informatization.")
    _submit(reviewer, "Decide")
    waiting = _status(reviewer)
    decision_id = int(re.match(r"Decision (\d+) recorded\. It waits for a second person's approval",
                               waiting).group(1))
    assert waiting.endswith("because the local representative of Kazakhstan must sign off.")
    four_eyes = reviewer.locator("section.four-eyes").inner_text()
    assert "Waiting for a second person (four eyes)" in four_eyes
    assert "You made this decision: a second person must approve or reject it." in four_eyes
    assert reviewer.get_by_role("button", name=f"Approve decision {decision_id}").count() == 0
    reviewer.goto(f"/console/items/{item_id}")  # from the top, without the focus on #decisions
    _check_plain(reviewer)
    screenshot(reviewer, "console-item")
    official.reload()
    assert _cell(official.locator("table.items tbody tr"), "Status") == \
        "decided, waiting for a second reviewer's approval"
    assert _visible(server, platform, "post-77", "KZ")  # nothing restricted before the approval

    # -- Another reviewer may not approve it; the local representative for Kazakhstan does.
    other = new_page(server)
    sign_in_with_keyboard(other, "frank@docket.test", PASSWORD)
    other.goto("/console/approvals")
    assert "Only the local representative of Kazakhstan can approve this decision." in \
        other.locator(f"[data-decision='{decision_id}']").inner_text()
    approver = new_page(server)
    sign_in_with_keyboard(approver, "dana@docket.test", PASSWORD)
    approver.goto("/console/approvals")
    card = approver.locator(f"[data-decision='{decision_id}']")
    assert approver.locator("[data-decision]").count() == 1
    text = card.inner_text()
    for expected in ("Scope\nKazakhstan\n",
                     "Ground\nlegal · kz-informatization-18-2 Art. 18-2(1)\n",
                     "Decided by\nbob@docket.test, ", "Needs a second person because\n"
                     "the local representative of Kazakhstan must sign off\n"):
        assert expected in text, (expected, text)
    _check_plain(approver)
    screenshot(approver, "console-approvals")
    card.get_by_label("Note with the approval (optional)").fill("Checked against the order.")
    _submit(approver, f"Approve decision {decision_id}")
    assert _status(approver) == f"Decision {decision_id} approved; it is in effect."
    assert "Nothing waits for approval." in approver.locator("main").inner_text()
    _until(lambda: not _visible(server, platform, "post-77", "KZ"), "the restriction in KZ")
    assert _visible(server, platform, "post-77", "DE")  # in Kazakhstan only
    with server.client(bob) as api:
        decision = api.get(f"/api/v1/items/{item_id}/decisions").json()[-1]
    assert (decision["status"], decision["approved_by"], decision["scope"], decision["law"]) == \
        ("effective", dana.id, ["KZ"], LAW)

    # -- The official sees the effect given.
    official.reload()
    assert official.locator("dl.facts .badge").first.inner_text() == "decided"
    row = official.locator("table.items tbody tr")
    assert (_cell(row, "Status"), _cell(row, "Outcome"), _cell(row, "Where")) == \
        ("decided", "Restricted", "Kazakhstan")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", _cell(row, "Since")), _cell(row, "Since")
    _check_plain(official)
    screenshot(official, "portal-request")

    # -- The author's statement of reasons arrives by e-mail; the author appeals from its link.
    statement = _text(_mail(smtp, AUTHOR, "statement_of_reasons"))
    link = re.search(r"(http://\S+/appeal\?token=[\w.-]+)", statement).group(1)
    assert link.startswith(f"{server.url}/appeal?token=")
    author = new_page(server)
    author.goto(link)
    assert "Withheld in Kazakhstan" in author.locator("main").inner_text()
    author.get_by_label("Why the decision is wrong").fill(
        "I report on how the akimat spent the road money; the documents are public. "
        "It is journalism.")
    author.get_by_label("E-mail address for the answer (optional)").fill(AUTHOR)
    _submit(author, "Send the appeal")
    receipt = author.locator("[role=status]").inner_text()
    appeal_id = int(re.search(r"reference is A-(\d+)", receipt).group(1))
    # The e-mail quotes the same reference the page gave.
    assert f"Appeal number: A-{appeal_id}\n" in _text(_mail(smtp, AUTHOR, "appeal_received"))

    # -- Whoever took part may not decide the appeal; a third reviewer reverses it.
    # The appeal was routed to someone uninvolved: the reviewer finds it among all they may see.
    reviewer.goto("/console/appeals?whose=all")
    said = reviewer.locator(f"[data-appeal='{appeal_id}']").inner_text()
    assert "You took part in the original decision (you " in said
    assert "another reviewer must decide this appeal. Ask frank@docket.test" in said
    other.goto("/console/appeals")  # their own appeals: it was routed to them
    section = other.locator(f"[data-appeal='{appeal_id}']")
    assert "It is journalism." in section.inner_text() and "open" in section.inner_text()
    section.get_by_label("Reverse: the decision was wrong").check()
    section.get_by_label("Explanation (sent to the appellant)").fill(
        "The post reports on public spending; calling for a lawful gathering is protected speech.")
    _check_plain(other)
    screenshot(other, "console-appeals")
    _submit(other, f"Decide appeal {appeal_id}")
    assert _status(other) == f"Appeal {appeal_id} reversed: the decision no longer stands."
    assert "No appeals waiting for you." in other.locator("main").inner_text()
    other.goto("/console/appeals?status=reversed")
    assert "reversed by frank@docket.test" in \
        other.locator(f"[data-appeal='{appeal_id}']").inner_text()

    # -- The restriction is lifted: the platform's API and the public withheld page say so.
    _until(lambda: _visible(server, platform, "post-77", "KZ"), "the restriction to be lifted")
    author.goto("/withheld?content_id=post-77&country=KZ&lang=en")
    assert author.locator(".shown").inner_text().startswith("The content is shown")
    assert author.locator(".withheld-notice").count() == 0
    assert f"Appeal number: A-{appeal_id}\n" in _text(_mail(smtp, AUTHOR, "appeal_decided"))
    assert _mail(smtp, AUTHOR, "restriction_lifted") is not None
    official.reload()
    assert _cell(official.locator("table.items tbody tr"), "Outcome").split("\n") == [
        "No action taken", "reversed on appeal"]
    assert "The decision was reversed on appeal on " in official.locator(".item-status").inner_text()

    # -- Admin: the overview counts what this case created.
    admin = new_page(server)
    sign_in_with_keyboard(admin, "ada@docket.test", PASSWORD)
    admin.goto("/admin")
    figures = {}
    for li in admin.locator("ul.figures li").all():
        figure = re.fullmatch(r"(\d+)\s+(.+?)(?:\s+needs a look)?", li.inner_text().strip())
        number, what = figure.groups()
        figures[what] = int(number)
    assert figures["submitters"] == 1 and figures["people of submitters"] == 1
    # bob, dana, frank, ada and the platform's service account
    assert figures["staff users and service accounts"] == 5
    assert figures["dead letters"] == 0
    _check_plain(admin)
    screenshot(admin, "admin")

    # -- Transparency. /transparency publishes complete past periods only, so the month of this
    # case is refused; the operator's `docket report` writes the same report for any days.
    now = dt.datetime.now(dt.UTC)
    refused = author.goto(f"/transparency?period={now:%Y-%m}")
    assert refused is not None and refused.status == 404
    assert "only complete periods in the past are published" in author.locator("main").inner_text()
    _check_the_report(now, tmp_path, author, screenshot)


def _check_the_report(now: dt.datetime, tmp_path: Path, page: Any, screenshot: Any) -> None:
    """`docket report` for yesterday and today (a case crossing midnight stays inside): one
    request, one item restricted (a restriction reversed on appeal stays the action taken),
    one appeal, reversed. The HTML is what /transparency serves once the period is over."""
    from docket.cli import app

    days = ["--from", f"{now - dt.timedelta(days=1):%Y-%m-%d}", "--to", f"{now:%Y-%m-%d}"]
    runner = CliRunner()
    out = runner.invoke(app, ["report", *days, "--format", "json",
                              "--out", str(tmp_path / "r.json")])
    assert out.exit_code == 0, out.output
    report = json.loads((tmp_path / "r.json").read_text())
    totals = report["totals"]
    assert {k: totals[k] for k in ("requests", "items", "items_decided", "requests_complied",
                                   "appeals", "appeals_reversed", "appeals_upheld",
                                   "emergencies")} == {
        "requests": 1, "items": 1, "items_decided": 1, "requests_complied": 1, "appeals": 1,
        "appeals_reversed": 1, "appeals_upheld": 0, "emergencies": 0}
    assert [(r["jurisdiction"], r["requester_kind"], r["requests"], r["items"])
            for r in report["requests"]] == [("KZ", "government_agency", 1, 1)]
    assert report["outcome_totals"] == [{"outcome": "restricted", "items": 1, "share": 100.0}]
    out = runner.invoke(app, ["report", *days, "--format", "html",
                              "--out", str(tmp_path / "r.html")])
    assert out.exit_code == 0, out.output
    page.set_content((tmp_path / "r.html").read_text())
    assert h1_count(page) == 1 and page.title().startswith("Transparency report")
    shown = page.locator("body").inner_text()
    # Readable labels, not codes (the transparency site's labels, in English by default).
    for line in ("Requests\t1\n", "Appeals\t1\n", "Appeals: decision reversed\t1\n",
                 "Restricted under local law\t1\t100.0\n",
                 "Kazakhstan\tGovernment agency\tHate speech\t1\t1\t100.0\n", "< 1 h\t1\n"):
        assert line in shown, (line, shown)
    screenshot(page, "transparency")


# ---------------------------------------------------------------------------- 2. the keyboard only


def _key_to(page: Any, selector: str, limit: int = 60) -> None:
    """Tab to ``selector``; the focus must be visible there."""
    tab_to(page, selector, limit)
    assert focus_outline(page) != "none", f"no visible focus on {selector}"


def _enter(page: Any) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_full_decision_with_the_keyboard_only(live_server: Any, page: Any, de_court: Any,
                                                make_user: Any, platform: Any) -> None:
    """Sign in, queue, item, claim, the three review steps and the decision with Tab,
    Shift+Tab, Enter, Space and the arrow keys; no click at all."""
    reviewer = make_user("bob@docket.test", "reviewer", "legal", "rights", password=PASSWORD)
    _register(live_server, platform, {**POST, "id": "post-88", "url": "https://social.example/@x/88",
                                      "language": "de", "text": "Volksverhetzung in Reinform."})
    with live_server.client(de_court) as api:
        r = api.post("/api/v1/requests", json={
            "jurisdiction": "DE", "reason": "hate_speech",
            "explanation": "Incitement to hatred (§ 130 StGB).",
            "legal_basis": [{"citation": "§ 130 StGB"}], "items": [{"content_id": "post-88"}]})
        assert r.status_code == 201, r.text
        item_id = r.json()["items"][0]["id"]
    sign_in_with_keyboard(page, "bob@docket.test", PASSWORD)
    assert page.url == f"{live_server.url}/console"  # a reviewer lands on the queue
    _key_to(page, "a[href='#rows']")  # Skip the filters
    page.keyboard.press("Enter")
    _key_to(page, f"a[href='/console/items/{item_id}']")
    _enter(page)
    assert page.url.endswith(f"/console/items/{item_id}")
    _key_to(page, "form[action$='/claim'] button")
    _enter(page)
    assert _status(page).startswith(f"You claimed item {item_id}")

    for step, label, notes in (("policy", "Within the platform's rules", "Not a rules question."),
                               ("legal", "Illegal under the cited law", "§ 130 StGB is met."),
                               ("rights", "No human-rights concern", "No public interest.")):
        _key_to(page, "a[href='#next']")  # Skip to the next step
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "next"
        page.keyboard.press("Tab")  # into the radio group: the first finding
        _choose_radio(page, label)
        _key_to(page, f"#f-notes-{step}", limit=10)  # past the risk flags in the rights review
        page.keyboard.type(notes)
        _key_to(page, "#next button[type=submit]", limit=10)
        _enter(page)
        assert "recorded. The item is now in:" in _status(page)

    _check_plain(page)  # with the decision form
    # The decision form: a radio, the countries (Germany chosen already), then the law by arrows.
    _key_to(page, "#decide input[name=outcome]")
    _choose_radio(page, "Restrict in the chosen countries: illegal under local law")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-scope"
    assert page.evaluate("[...document.activeElement.selectedOptions].map(o => o.value)") == ["DE"]
    _key_to(page, "#f-law", limit=5)  # past the scope reason and the ground
    for _ in range(12):
        if page.evaluate("document.activeElement.value") == "de-netzdg-3":
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "de-netzdg-3"
    page.keyboard.press("Tab")
    page.keyboard.type("§ 3(2) no. 3")
    page.keyboard.press("Shift+Tab")  # back one field and on again: Shift+Tab works too
    assert page.evaluate("document.activeElement.id") == "f-law"
    _key_to(page, "#f-explanation", limit=5)
    page.keyboard.type("Incites hatred against a group (§ 130 StGB); withheld in Germany.")
    _key_to(page, "#decide button[type=submit]", limit=15)
    _enter(page)
    assert re.fullmatch(r"Decision \d+ recorded and in effect: Restrict in the chosen countries: "
                        r"illegal under local law\.", _status(page)), _status(page)

    with live_server.client(reviewer) as api:
        item = api.get(f"/api/v1/items/{item_id}").json()
        [decision] = api.get(f"/api/v1/items/{item_id}/decisions").json()
    assert (item["status"], item["outcome"], item["policy_finding"], item["legal_finding"],
            item["rights_finding"]) == ("decided", "restricted", "compliant", "illegal",
                                        "no_concern")
    assert (decision["status"], decision["scope"], decision["law"], decision["provision"],
            decision["decided_by"]) == ("effective", ["DE"], "de-netzdg-3", "§ 3(2) no. 3",
                                        reviewer.id)
    _until(lambda: not _visible(live_server, platform, "post-88", "DE"), "the restriction in DE")


def _choose_radio(page: Any, label: str) -> None:
    """With the focus in a radio group: the arrow keys to ``label``, then Space to check it."""
    for _ in range(8):
        if page.evaluate("document.activeElement.labels[0].textContent.trim()") == label:
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.labels[0].textContent.trim()") == label
    assert focus_outline(page) != "none"
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked") is True


# ---------------------------------------------------------------------------- 3. 360 px and 1440 px


def test_the_staff_pages_fit_360_px_and_1440_px(
        live_server: Any, new_page: Any, kz_ministry: Any, make_person: Any, make_user: Any,
        platform: Any) -> None:
    make_person(kz_ministry, "aigerim@misd.example.kz", "Aigerim Nurpeisova")
    make_user("bob@docket.test", "reviewer", password=PASSWORD)
    make_user("ada@docket.test", "admin", password=PASSWORD)
    _register(live_server, platform, POST)
    with live_server.client(kz_ministry) as api:
        r = api.post("/api/v1/requests", json={
            "jurisdiction": "KZ", "reason": "hate_speech", "explanation": "Calls for violence.",
            "legal_basis": [{"law": LAW, "provision": "Art. 18-2(1)"}],
            "items": [{"url": POST["url"]}, {"url": "https://social.example/@aidos/" + "7" * 120}]})
        assert r.status_code == 201, r.text
        item_id, request_id = r.json()["items"][0]["id"], r.json()["id"]
    pages = {"bob@docket.test": ["/console", f"/console/items/{item_id}", f"/console/requests/{request_id}"],
             "aigerim@misd.example.kz": ["/portal/requests/new"],
             "ada@docket.test": ["/admin"]}
    for email, paths in pages.items():
        page = new_page()
        sign_in_with_keyboard(page, email, PASSWORD)
        for path in paths:
            for width in (WIDE, NARROW):
                page.set_viewport_size({"width": width, "height": 900})
                response = page.goto(path)
                assert response is not None and response.status == 200, path
                _check_plain(page)
                assert "docket" in page.title(), (path, width)
                assert scroll_width(page) <= width, (path, width, scroll_width(page))
    # The request page's form corrects the order's particulars (opened from its summary).
    page = new_page()
    sign_in_with_keyboard(page, "bob@docket.test", PASSWORD)
    page.goto(f"/console/requests/{request_id}")
    page.locator("details.order-details summary").click()
    page.get_by_label("Order or decision number").fill("7511-26-00-2а/1234")
    page.get_by_label("Why (kept in the audit log)").fill("As the order states it.")
    page.get_by_role("button", name="Correct the particulars").click()
    page.wait_for_url(f"**/console/requests/{request_id}")
    assert "corrected" in page.locator(".flash").first.inner_text()
    assert page.locator("dt:text-is('Order number') + dd").inner_text() == "7511-26-00-2а/1234"

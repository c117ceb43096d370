"""The demo's earlier half-years: fewer requests than the latest, from the same
governments, so the transparency site's archive and each country's trend show something.
Through the same services as the rest of the demo, at the times they would have happened."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy.orm import Session

from docket import effects
from docket.content import service as content
from docket.content.schemas import ContentUpsert
from docket.errors import DocketError
from docket.intake import submission as intake
from docket.intake.models import Channel
from docket.intake.schemas import RequestCreate
from docket.review.schemas import DecisionCreate, ReviewCreate
from docket.settings import Settings
from docket.transparency.periods import Period, parse_period

# (submitter token, jurisdiction, law, reason, outcome, requests two and one half-years back)
EARLIER = [
    ("dkt_demo_kz_ministry", "KZ", "kz-online-platforms-9", "hate_speech", "restricted", 2, 3),
    ("dkt_demo_kz_ministry", "KZ", "kz-online-platforms-9", "government_criticism", "rejected_overbroad", 1, 3),
    ("dkt_demo_de_court", "DE", "de-netzdg-3", "defamation", "restricted", 3, 2),
    ("dkt_demo_in_meity", "IN", None, "violence", "restricted", 1, 2),
    ("dkt_demo_tr_btk", "TR", None, "government_criticism", "rejected_overbroad", 4, 2),
    ("dkt_demo_vn_mic", "VN", "vn-decree-147", "government_criticism", "no_action", 1, 1),
]
FINDINGS = {
    "restricted": (("policy", "compliant"), ("legal", "illegal"), ("rights", "no_concern")),
    "rejected_overbroad": (("policy", "compliant"), ("legal", "illegal"), ("rights", "concern")),
    "no_action": (("policy", "compliant"), ("legal", "lawful")),
}


def _before(period: Period, halves: int) -> Period:
    year, half = period.start.year, 1 if period.start.month == 1 else 2
    index = year * 2 + half - 1 - halves
    return parse_period(f"{index // 2}-H{index % 2 + 1}")


def earlier_periods(*, session: Session, settings: Settings, latest: Period, submitters: dict[str, Any],
                    staff: dict[str, Any]) -> int:
    """Requests and decisions of the two half-years before ``latest``; how many requests."""
    rng = random.Random(2025)
    by_step = {"policy": staff["alice"], "legal": staff["bob"], "rights": staff["carol"]}
    approvers = [staff["dana"], staff["emre"], staff["priya"], staff["alice"], staff["carol"]]
    count = 0
    for back in (2, 1):
        period = _before(latest, back)
        span = (period.end - period.start).total_seconds()
        for token, place, law, reason, outcome, *shares in EARLIER:
            for _ in range(shares[2 - back]):
                count += 1
                at = period.start + dt.timedelta(seconds=rng.uniform(0, span * 0.9))
                cid = f"e-{period.label}-{count:03d}"
                content.upsert(session=session, data=ContentUpsert(
                    id=cid, url=f"https://social.example/archive/{cid}", type="post", author_id=f"author-{cid}",
                    language="en", text="(an archived post of the demo's history)"))
                body = {"jurisdiction": place, "reason": reason, "items": [{"content_id": cid}],
                        "explanation": "Illegal under the cited law, as set out in the attached order.",
                        "legal_basis": [{"law": law}] if law else [{"citation": "as cited in the order"}],
                        "bona_fide": True, "reference": f"E-{count:03d}"}
                request = intake.submit(session=session, settings=settings, submitter=submitters[token],
                                        data=RequestCreate.model_validate(body), channel=Channel.api, now=at).request
                assert request is not None
                item, when = request.items[0], at + dt.timedelta(hours=rng.uniform(2, 40))
                try:
                    for step, finding in FINDINGS[outcome]:
                        effects.review(session=session, principal=by_step[step], item=item, now=when,
                                       data=ReviewCreate(step=step, finding=finding, flags=[]))
                    decision = effects.decide(session=session, principal=staff["bob"], item=item, now=when,
                                              data=DecisionCreate(outcome=outcome, explanation=(
                                                  "Decided on the findings of the policy, legal and "
                                                  "human-rights reviews.")))
                except DocketError:
                    continue  # left in review
                for approver in approvers:
                    if decision.status != "awaiting_approval":
                        break
                    try:
                        with session.begin_nested():
                            effects.approve(session=session, principal=approver, decision=decision, note=None,
                                            now=when + dt.timedelta(hours=rng.uniform(1, 10)))
                    except DocketError:
                        continue
    return count

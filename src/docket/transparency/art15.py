"""DSA Art. 15 tables for a period: orders from member-state authorities, notices, complaints.

The tables cover what the DSA covers, the service in the EU/EEA (the 30 countries of the
Transparency Database's territorial scope):

- **orders** (Art. 15(1)(a)): requests from an authority (a kind the catalog counts as a
  government: court, government agency, police, regulator by default) of a member state,
  by member state and type of illegal content (the reason's DSA category), with the
  median time to acknowledge receipt (the acknowledgement sent) and to give effect (per
  item: the decision in effect), of the orders that name content (Art. 9);
- **orders about user data** (Art. 15(1)(a), orders under Art. 10 and the like): requests
  from the same authorities asking to disclose (provide information) or preserve user
  data — referred at receipt, never acted on here — by member state and type of illegal
  content, with how many ask for each and the median time to acknowledge receipt. A
  request naming content beside a data measure is in both tables;
- **notices** (Art. 15(1)(b)): notices about content under the law of a member state or
  under the terms and conditions of a platform at home in one: user reports, and
  requests from every other kind (trusted flaggers, rights holders, users, industry
  associations, CERTs, internet-governance bodies); by type of alleged illegal
  content, with those carrying the Art. 16 elements, those from trusted flaggers within
  their designation, the actions taken on legal and on terms-and-conditions grounds, the
  notices processed by automated means (docket uses none) and the median time to act;
- **complaints** (Art. 15(1)(d)): appeals against decisions about EU/EEA content (the
  decision's jurisdiction or scope), by basis and complainant, with how many were upheld,
  reversed or are open and the median time to decide them.

Counts by the day received, as the period report; actions and times from each item's
standing decision (see aggregates).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from sqlalchemy import String, and_, case, cast, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from docket import store
from docket.appeals.models import Appeal
from docket.catalog import service as catalog
from docket.catalog.models import Jurisdiction, Reason
from docket.intake.models import Channel, Item, Measure, MeasureKind, Report, Request
from docket.outbox.models import OutboxMessage
from docket.parties.models import Submitter
from docket.review.models import Decision
from docket.transparency.aggregates import DATA_KINDS, item_outcome, standing_decision
from docket.transparency.dsa import eea, scope_in_eea, values
from docket.transparency.figures import hours, within
from docket.transparency.medians import medians
from docket.transparency.periods import Period

ORDERS = ["Member State", "Member State Code", "Type of illegal content", "Orders", "Items",
          "Median hours to acknowledge receipt", "Median hours to give effect"]
DATA_ORDERS = ["Member State", "Member State Code", "Type of illegal content", "Orders",
               "Orders to provide information", "Orders to preserve data", "Median hours to acknowledge receipt"]
NOTICES = ["Type of alleged illegal content", "Notices", "Notices with Art. 16 elements",
           "Notices from trusted flaggers", "Actions on legal grounds", "Actions on terms and conditions grounds",
           "Notices processed by automated means", "Median hours to take action"]
COMPLAINTS = ["Basis of the decision complained about", "Complainant", "Complaints", "Upheld", "Reversed", "Open",
              "Median hours to decide"]
GROUNDS = {"legal": "Illegal content", "policy": "Terms and conditions"}
COMPLAINANTS = {"author": "Affected user (author)", "requester": "Notifier or authority (requester)",
                "reporter": "Notifier (reporter)"}


def _label(category: str) -> str:
    return str(values()["statement_categories"].get(category, category))


_KEYS = (Submitter.country.label("state"), Reason.dsa_category.label("category"))


def _authorities(session: Session, period: Period) -> Any:
    """The period's requests from member-state authorities."""
    government = catalog.kind_places(session=session).government_kinds
    return and_(within(Request.received_at, period), Submitter.kind.in_(government), Submitter.country.in_(eea()))


def _base() -> Any:
    return (select(*_KEYS).select_from(Request).join(Submitter, Submitter.id == Request.submitter_id)
            .join(Reason, Reason.code == Request.reason))


def _acknowledged(session: Session, query: Any) -> dict[tuple[Any, ...], float]:
    """The median seconds to the acknowledgement sent, per member state × category, of ``query``'s requests."""
    return medians(session, query.add_columns(
        store.backend_of(session).seconds_between(Request.received_at, OutboxMessage.sent_at).label("d"))
        .join(OutboxMessage, and_(OutboxMessage.subject == literal("request:") + cast(Request.id, String),
                                  OutboxMessage.kind == "acknowledgement", OutboxMessage.sent_at.is_not(None))),
        ("state", "category"))


def orders(*, session: Session, period: Period) -> list[list[Any]]:
    """Rows of the orders table (see the module docstring)."""
    seconds_between = store.backend_of(session).seconds_between
    # Orders to act against content (Art. 9): a request for user data only names none.
    named = aliased(Item)  # apart from the items the counts and times join
    scope = and_(_authorities(session, period), exists().where(named.request_id == Request.id))
    counts = session.execute(
        _base().add_columns(func.count(func.distinct(Request.id)), func.count(Item.id))
        .join(Item, Item.request_id == Request.id).where(scope).group_by(*_KEYS)
    ).all()
    ack = _acknowledged(session, _base().where(scope))
    effect = medians(session, _base().add_columns(
        seconds_between(Item.received_at, Decision.effective_at).label("d"))
        .join(Item, Item.request_id == Request.id).join(Decision, standing_decision())
        .where(scope, Item.decided_at.is_not(None)), ("state", "category"))
    names = dict(session.execute(select(Jurisdiction.code, Jurisdiction.name)).all())
    rows = [[names.get(state, state), state, _label(category), int(n), int(i),
             _blank(hours(ack.get((state, category)))), _blank(hours(effect.get((state, category))))]
            for state, category, n, i in counts]
    return sorted(rows, key=lambda r: (r[0], r[2]))


def data_orders(*, session: Session, period: Period) -> list[list[Any]]:
    """Rows of the table of orders about user data (see the module docstring)."""
    asked = (select(Measure.request_id,
                    func.max(case((Measure.kind == MeasureKind.disclose_data, 1), else_=0)).label("disclose"),
                    func.max(case((Measure.kind == MeasureKind.preserve_data, 1), else_=0)).label("preserve"))
             .where(Measure.kind.in_(DATA_KINDS)).group_by(Measure.request_id).subquery())
    scope = _authorities(session, period)
    counts = session.execute(
        _base().add_columns(func.count(), func.sum(asked.c.disclose), func.sum(asked.c.preserve))
        .join(asked, asked.c.request_id == Request.id).where(scope).group_by(*_KEYS)
    ).all()
    ack = _acknowledged(session, _base().join(asked, asked.c.request_id == Request.id).where(scope))
    names = dict(session.execute(select(Jurisdiction.code, Jurisdiction.name)).all())
    rows = [[names.get(state, state), state, _label(category), int(n), int(disclose or 0), int(preserve or 0),
             _blank(hours(ack.get((state, category))))] for state, category, n, disclose, preserve in counts]
    return sorted(rows, key=lambda r: (r[0], r[2]))


def _blank(value: Any) -> Any:
    return "" if value is None else value


def notices(*, session: Session, period: Period) -> list[list[Any]]:
    """Rows of the notices table (see the module docstring)."""
    in_eea = Item.jurisdiction.in_(eea())
    by_category: dict[str, list[Any]] = {}
    notifier = Submitter.kind.not_in(catalog.kind_places(session=session).government_kinds)

    def row(category: str) -> list[Any]:
        return by_category.setdefault(category, [0, 0, 0, 0, 0, 0, None])

    reports = session.execute(
        select(Reason.dsa_category, func.count(Report.id), func.sum(case((Report.art16_notice.is_(True), 1), else_=0)))
        .select_from(Report).join(Item, Item.id == Report.item_id).join(Reason, Reason.code == Report.reason)
        .where(within(Report.received_at, period), in_eea).group_by(Reason.dsa_category)
    ).all()
    for category, n, art16 in reports:
        r = row(category)
        r[0] += int(n)
        r[1] += int(art16 or 0)
    designated = exists().where(Item.request_id == Request.id, Item.flag_rank == 0)
    direct = session.execute(
        select(Reason.dsa_category, func.count(Request.id),
               func.sum(case((Request.art16_notice.is_(True), 1), else_=0)),
               func.sum(case((designated, 1), else_=0)))
        .select_from(Request).join(Submitter, Submitter.id == Request.submitter_id)
        .join(Reason, Reason.code == Request.reason)
        .where(within(Request.received_at, period), notifier,
               Request.channel != Channel.report.value, Request.jurisdiction.in_(eea()))
        .group_by(Reason.dsa_category)
    ).all()
    for category, n, art16, trusted in direct:
        r = row(category)
        r[0] += int(n)
        r[1] += int(art16 or 0)
        r[2] += int(trusted or 0)
    # Actions: the items (cases) these notices opened, by their standing decision.
    outcome = item_outcome()
    notified = and_(within(Request.received_at, period), in_eea,
                    or_(Request.channel == Channel.report.value, notifier))
    acted = session.execute(
        select(Reason.dsa_category, func.sum(case((outcome == "restricted", 1), else_=0)),
               func.sum(case((outcome == "removed_policy", 1), else_=0)))
        .select_from(Item).join(Request, Request.id == Item.request_id)
        .join(Submitter, Submitter.id == Request.submitter_id).join(Reason, Reason.code == Item.reason)
        .where(notified).group_by(Reason.dsa_category)
    ).all()
    for category, legal, policy in acted:
        r = row(category)
        r[3] += int(legal or 0)
        r[4] += int(policy or 0)
    times = medians(session, select(
        Reason.dsa_category.label("category"),
        store.backend_of(session).seconds_between(Item.received_at, Decision.effective_at).label("d"))
        .select_from(Item).join(Request, Request.id == Item.request_id)
        .join(Submitter, Submitter.id == Request.submitter_id).join(Reason, Reason.code == Item.reason)
        .join(Decision, standing_decision())
        .where(notified, Item.decided_at.is_not(None), Decision.outcome.in_(("restricted", "removed_policy"))),
        ("category",))
    return sorted(([_label(c), *r[:6], _blank(hours(times.get((c,))))] for c, r in by_category.items()),
                  key=lambda r: r[0])


def complaints(*, session: Session, period: Period) -> list[list[Any]]:
    """Rows of the complaints table (see the module docstring)."""
    concerned = or_(Item.jurisdiction.in_(eea()), scope_in_eea())
    scope = and_(within(Appeal.received_at, period), concerned)
    keys = (Decision.ground.label("ground"), Appeal.appellant.label("appellant"))
    counts = session.execute(
        select(*keys, func.count(Appeal.id), func.sum(case((Appeal.status == "upheld", 1), else_=0)),
               func.sum(case((Appeal.status == "reversed", 1), else_=0)),
               func.sum(case((Appeal.status == "open", 1), else_=0)))
        .select_from(Appeal).join(Decision, Decision.id == Appeal.decision_id).join(Item, Item.id == Appeal.item_id)
        .where(scope).group_by(*keys)
    ).all()
    times = medians(session, select(
        *keys, store.backend_of(session).seconds_between(Appeal.received_at, Appeal.decided_at).label("d"))
        .select_from(Appeal).join(Decision, Decision.id == Appeal.decision_id).join(Item, Item.id == Appeal.item_id)
        .where(scope, Appeal.decided_at.is_not(None)), ("ground", "appellant"))
    rows = [[GROUNDS.get(str(g), str(g)), COMPLAINANTS.get(a, a), int(n), int(u or 0), int(r or 0), int(o or 0),
             _blank(hours(times.get((g, a))))] for g, a, n, u, r, o in counts]
    return sorted(rows, key=lambda r: (r[0], r[1]))


def tables(*, session: Session, period: Period) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """File name → (header, rows) of every Art. 15 table for ``period``."""
    return {"art15-orders.csv": (ORDERS, orders(session=session, period=period)),
            "art15-data-orders.csv": (DATA_ORDERS, data_orders(session=session, period=period)),
            "art15-notices.csv": (NOTICES, notices(session=session, period=period)),
            "art15-complaints.csv": (COMPLAINTS, complaints(session=session, period=period))}


def to_csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write(data: dict[str, tuple[list[str], list[list[Any]]]], out: Path) -> list[Path]:
    """Write the tables as CSV files into the directory ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (header, rows) in data.items():
        (out / name).write_text(to_csv(header, rows), encoding="utf-8")
        written.append(out / name)
    return written

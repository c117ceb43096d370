"""``docket report --at SIZE``: the time to replay the log, per 100,000 events.

Fills a fresh SQLite database (a temporary file) with ``--requests`` requests' worth of
audit events, shaped as the services record them — per request: ``request:received``
(1 to 3 items), a claim and two review steps per item (events a report does not count,
skipped by the replay's query), ``decision:made`` per item (a fifth awaiting approval,
then ``decision:approved``), ``item:decided``, the acknowledgement's ``notice:sent``; a
user report now and then, an appeal now and then — through ``audit.record_many``, not
the services (which would take far longer than what is measured). Then it times
``docket.transparency.replay.report_at`` over all of them for the half-year they fall in,
``--runs`` times, and prints the best time and the time per 100,000 events.

Figures, not assertions. Small runs only on a shared machine::

    .venv/bin/python bench/replay.py --requests 5000
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
import datetime as dt
import random
import tempfile
import time
from typing import Any

from sqlalchemy import func, select

from docket import audit
from docket.audit.models import Event
from docket.schema import upgrade
from docket.store import make_engine, make_sessionmaker, transaction
from docket.transparency import replay
from docket.transparency.periods import parse_period

PERIOD = parse_period("2026-H1")
NOW = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
SUBMITTERS = 40
OUTCOMES = ("restricted", "no_action", "removed_policy", "rejected_invalid")


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def fill(factory: Any, requests: int, seed: int = 20261203) -> int:
    """Record the events of ``requests`` requests; return how many events were recorded."""
    rng = random.Random(seed)
    with transaction(factory) as s:
        audit.record_many(session=s, events=[audit.NewEvent(
            "test", "submitter:created", f"submitter:{i}",
            {"name": f"Authority {i}", "kind": ("court", "government_agency", "police", "regulator")[i % 4],
             "country": ("KZ", "TR", "DE", "IN")[i % 4], "verified": True}) for i in range(1, SUBMITTERS + 1)])
    item_id, decision_id, outbox_id, report_id, appeal_id = 0, 0, 0, 0, 0
    for first in range(0, requests, 500):
        events: list[audit.NewEvent] = []
        for request_id in range(first + 1, min(requests, first + 500) + 1):
            submitter = rng.randint(1, SUBMITTERS)
            at = PERIOD.start + dt.timedelta(seconds=rng.uniform(0, 170 * 86400))
            items = list(range(item_id + 1, item_id + 1 + rng.randint(1, 3)))
            item_id = items[-1]
            events.append(audit.NewEvent(f"submitter:{submitter}", "request:received", f"request:{request_id}", {
                "channel": "api", "submitter_kind": "court", "jurisdiction": "KZ", "reason": "hate_speech",
                "status": "open", "missing": [], "clock_rule": {"source": "default", "hours": 48},
                "deadline_at": _iso(at + dt.timedelta(hours=48)), "items": items, "not_found": [],
                "submitter": submitter, "received_at": _iso(at), "emergency": rng.random() < 0.02,
                "flag_rank": 1}))
            outbox_id += 1
            events.append(audit.NewEvent("system:outbox", "notice:sent", f"request:{request_id}", {
                "outbox": outbox_id, "kind": "acknowledgement", "channel": "email", "message_id": f"m{outbox_id}",
                "attempts": 1, "sent_at": _iso(at + dt.timedelta(minutes=rng.uniform(1, 30)))}))
            for item in items:
                subject, decided = f"item:{item}", at + dt.timedelta(hours=rng.uniform(1, 200))
                events.append(audit.NewEvent("user:1", "item:claimed", subject, {"until": _iso(decided)}))
                for step in ("policy", "legal"):
                    events.append(audit.NewEvent("user:1", "item:reviewed", subject, {
                        "step": step, "finding": "compliant", "flags": [], "from": "received", "to": "legal_review",
                        "notes": None, "question": None}))
                decision_id += 1
                waits = rng.random() < 0.2
                outcome = rng.choice(OUTCOMES)
                events.append(audit.NewEvent("user:1", "decision:made", subject, {
                    "decision": decision_id, "outcome": outcome, "scope": ["KZ"], "ground": "legal", "law": None,
                    "approval_reasons": ["wider_scope"] if waits else [], "local_rep": None,
                    "decided_at": _iso(decided), "effective_at": None if waits else _iso(decided)}))
                if waits:
                    events.append(audit.NewEvent("user:2", "decision:approved", subject, {
                        "decision": decision_id, "note": None, "local_rep": False,
                        "effective_at": _iso(decided + dt.timedelta(hours=3))}))
                events.append(audit.NewEvent("user:1", "item:decided", subject, {
                    "decision": decision_id, "outcome": outcome, "scope": ["KZ"], "request_status": "decided"}))
                if rng.random() < 0.05:
                    report_id += 1
                    events.append(audit.NewEvent("reporter:user:1", "report:received", subject, {
                        "report": report_id, "case": "x", "new_case": False, "reason": "cyberbullying",
                        "art16": False, "channel": "api", "received_at": _iso(decided)}))
                if rng.random() < 0.01:
                    appeal_id += 1
                    events.append(audit.NewEvent("public:appeal", "appeal:filed", subject, {
                        "appeal": appeal_id, "decision": decision_id, "appellant": "author",
                        "received_at": _iso(decided + dt.timedelta(days=1))}))
                    events.append(audit.NewEvent("user:3", "appeal:decided", subject, {
                        "appeal": appeal_id, "decision": decision_id, "outcome": "reversed"}))
        with transaction(factory) as s:
            audit.record_many(session=s, events=events)
    with transaction(factory) as s:
        return int(s.execute(select(func.count()).select_from(Event)).scalar_one())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="requests whose events to record (default 5000)")
    parser.add_argument("--runs", type=int, default=3, help="replays to time (the best is shown)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="docket-bench-replay-") as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        try:
            upgrade(engine)
            factory = make_sessionmaker(engine)
            started = time.perf_counter()
            size = fill(factory, args.requests)
            print(f"recorded {size:,} events in {time.perf_counter() - started:.1f} s")
            times, data = [], None
            for _ in range(args.runs):
                with transaction(factory) as s:
                    started = time.perf_counter()
                    data = replay.report_at(session=s, size=size, period=PERIOD, now=NOW)
                    times.append(time.perf_counter() - started)
            assert data is not None
            best = min(times)
            print(f"replayed {size:,} events ({data['totals']['requests']:,} requests, "
                  f"{data['totals']['items']:,} items): {', '.join(f'{t:.2f} s' for t in times)}; "
                  f"best {best:.2f} s = {best / size * 100_000:.1f} s per 100,000 events")
        finally:
            engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

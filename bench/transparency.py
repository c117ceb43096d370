"""The half-year transparency report over 1,000,000 decided items, against hand-written SQL.

The goal from the issue: ``docket report`` for a half year with 1,000,000 decided items
takes at most 5 s on SQLite and on PostgreSQL on this machine, and at most twice the time
of a hand-written SQL aggregate of the same figures, run on the same database in the
same run. For each engine (SQLite, PostgreSQL or both) this script:

1. makes a fresh database (a temporary file for SQLite; ``docket_bench_transparency`` on
   the ``--pg-url`` server for PostgreSQL, dropped and made again, and dropped at the
   end) and runs docket's migrations (``docket.schema.upgrade``);
2. bulk-loads ``--items`` decided items received in 2026-H1 (``executemany`` on SQLite,
   ``COPY`` on PostgreSQL; not through the services, which would take hours): requests of
   1 to 5 items from 40 government submitters in 10 jurisdictions (courts, ministries,
   police, regulators), trusted flaggers (their items within the designation) and user
   report cases (1 to 3 reports each, ~1% flagged as a coordinated burst); one decision
   per item with its outcome (restricted 45%, no action 25%, removed under the rules 10%,
   the rest spread over the other outcomes), decided minutes to weeks after receipt, ~20%
   approved by a second person hours later; ~1% restrictions reversed on appeal (the item
   then reads no_action, as the appeals service leaves it) and ~0.5% decisions not to
   act reversed and decided again (two decisions); an acknowledgement for every
   organisation's request; ~5% clarified, ~2% emergencies, ~1% confidential with a gag-
   order hold and held notices; the columns intake and review keep on each item for
   reports (submitter, outcome of the action taken, seconds to decide and to give effect);
   then ``ANALYZE`` (``VACUUM ANALYZE`` on PostgreSQL, whose index-only scans need the
   visibility map that autovacuum keeps for a table that grew over months);
3. times ``docket.transparency.aggregates.report`` for 2026-H1 — the function
   ``docket report`` and ``GET /api/v1/transparency/report`` call — in a read-only
   transaction, ``--runs`` times;
4. times the baseline as many times: hand-written SQL for the same figures (one query per
   group of figures over a per-item CTE of the same items table with its submitter's kind;
   medians with ``percentile_cont`` on PostgreSQL and window functions on SQLite), and
   checks that both give the same figures;
5. prints the figures, the best time of each and the ratio docket / SQL, and whether the
   goal (≤ 5 s and ≤ 2× the SQL) is met.

Figures, not assertions: it exits 0 whether the goal is met or missed, 1 when a run could
not be made, 130 on Ctrl-C. Run it with the project's venv::

    .venv/bin/python bench/transparency.py --items 100000 --engine sqlite
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

# ``python bench/transparency.py`` puts bench/ first on sys.path, where bench/queue.py would
# shadow the standard library's ``queue`` (imported by psycopg's pool, logging, …).
_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
import contextlib
import datetime as dt
import json
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Table, bindparam, create_engine, text
from sqlalchemy.engine import Engine, make_url

import docket.models  # noqa: F401  (every table, so the models' foreign keys resolve)
from docket.appeals.models import Appeal
from docket.intake.models import Item, Report, Request
from docket.notices.models import NoticeHold
from docket.outbox.models import OutboxMessage
from docket.parties.models import Submitter, User
from docket.review.models import Decision
from docket.schema import upgrade
from docket.store import (
    UTCDateTime,
    begin_readonly,
    make_engine,
    make_sessionmaker,
    transaction,
)
from docket.transparency import aggregates
from docket.transparency.periods import parse_period

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "docket_bench_transparency"
GOAL_SECONDS = 5.0
GOAL_RATIO = 2.0
SEED = 20260701
PERIOD = parse_period("2026-H1")
NOW = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
CHUNK_REQUESTS = 20_000

JURISDICTIONS = {"KZ": 14, "TR": 14, "IN": 16, "DE": 10, "FR": 8, "VN": 10, "RU": 10, "BR": 8, "PL": 5, "ES": 5}
OFFICIAL = ("government_agency", "court", "police", "regulator")
REASONS = ("hate_speech", "defamation", "government_criticism", "national_security", "child_safety",
           "privacy_security", "fraud", "copyright", "violence", "electoral_law")
OUTCOMES = {"restricted": 45, "no_action": 25, "removed_policy": 10, "rejected_invalid": 5,
            "rejected_overbroad": 5, "content_not_found": 5, "already_removed": 5}
COMPLIED = ("restricted", "removed_policy")
CLOSED = {"restricted": "rights_review", "removed_policy": "policy_review"}


# ----------------------------------------------------------------- loading
def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list)):
        return orjson.dumps(value).decode()
    return value


def _pg_value(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return orjson.dumps(value).decode()
    return value


def _defaults(table: Table) -> dict[str, Any]:
    """The models' Python-side defaults (SQL has none for them), for columns a row leaves out."""
    out = {}
    for column in table.columns:
        default = column.default
        if default is None or column.primary_key:
            continue
        value = default.arg(None) if default.is_callable else default.arg  # type: ignore[attr-defined]
        out[column.name] = value
    return out


class Loader:
    """Bulk inserts through the driver: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pg = engine.dialect.name == "postgresql"
        self.raw: Any = engine.raw_connection()
        if not self.pg:
            self.raw.execute("PRAGMA synchronous=OFF")
            self.raw.execute("PRAGMA foreign_keys=OFF")
            self.raw.execute("BEGIN")

    def insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        columns = [c.name for c in table.columns]
        defaults = _defaults(table)
        rows = [{**defaults, **row} for row in rows] if defaults else rows
        if self.pg:
            with self.raw.cursor() as cur, cur.copy(
                    f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_pg_value(row.get(c)) for c in columns])
        else:
            sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            self.raw.executemany(sql, [[_sqlite_value(row.get(c)) for c in columns] for row in rows])

    def finish(self) -> None:
        if self.pg:
            self.raw.commit()
            with self.raw.cursor() as cur:
                for table in ("requests", "items", "decisions", "outbox", "reports", "appeals", "notice_holds",
                              "submitters", "users"):
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"GREATEST((SELECT max(id) FROM {table}), 1))")
            self.raw.commit()
        else:
            self.raw.execute("COMMIT")
            self.raw.execute("PRAGMA synchronous=FULL")
        self.raw.close()


def _submitters() -> list[dict[str, Any]]:
    rows, n = [], 0
    for code in JURISDICTIONS:
        for kind in OFFICIAL:
            n += 1
            rows.append({"id": n, "name": f"{kind} of {code}", "kind": kind, "country": code,
                         "email": f"requests{n}@gov.example", "verified": True, "created_at": NOW})
    for code in ("DE", "FR", "PL"):
        n += 1
        rows.append({"id": n, "name": f"Trusted flagger {code}", "kind": "trusted_flagger", "country": code,
                     "email": f"flagger{n}@tf.example", "verified": True, "created_at": NOW})
    n += 1
    rows.append({"id": n, "name": "Reports from the platform's users", "kind": "user", "country": "IE",
                 "verified": True, "created_at": NOW})
    return rows


def load(engine: Engine, items: int, progress: Callable[[int], None]) -> dict[str, int]:
    """Fill the database with ``items`` decided items of 2026-H1; return row counts."""
    rng = random.Random(SEED)
    loader = Loader(engine)
    submitters = _submitters()
    loader.insert(Submitter.__table__, submitters)
    loader.insert(User.__table__, [{"id": 1, "email": "reviewer@bench.example", "name": "Reviewer", "active": True,
                                    "created_at": NOW}])
    by_place: dict[str, list[dict[str, Any]]] = {}
    for s in submitters:
        if s["kind"] in OFFICIAL:
            by_place.setdefault(s["country"], []).append(s)
    flaggers = [s for s in submitters if s["kind"] == "trusted_flagger"]
    users = next(s for s in submitters if s["kind"] == "user")
    places, weights = list(JURISDICTIONS), list(JURISDICTIONS.values())
    outcomes, outcome_weights = list(OUTCOMES), list(OUTCOMES.values())
    span = (PERIOD.end - PERIOD.start).total_seconds()
    ids = {"request": 0, "item": 0, "decision": 0, "outbox": 0, "report": 0, "appeal": 0, "hold": 0}
    counts = dict.fromkeys(ids, 0)
    made = 0
    while made < items:
        rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ids}
        for _ in range(CHUNK_REQUESTS):
            if made >= items:
                break
            ids["request"] += 1
            rid = ids["request"]
            received = PERIOD.start + dt.timedelta(seconds=rng.uniform(0, span - 40 * 86400))
            roll = rng.random()
            if roll < 0.80:
                place = rng.choices(places, weights)[0]
                submitter = rng.choice(by_place[place])
                channel, n_items, flag_rank, case = "api", rng.randint(1, 4), 1, False
            elif roll < 0.85:
                submitter = rng.choice(flaggers)
                place, channel, n_items, flag_rank, case = submitter["country"], "api", rng.randint(1, 3), 0, False
            else:
                submitter, channel, n_items, flag_rank, case = users, "report", 1, 1, True
                place = rng.choice(["IE", "DE", "FR", "KZ"])
            n_items = min(n_items, items - made)
            reason = rng.choice(REASONS)
            emergency, confidential = rng.random() < 0.02, rng.random() < 0.01
            deadline = received + dt.timedelta(hours=24)
            rows["request"].append({
                "id": rid, "submitter_id": submitter["id"], "channel": channel, "jurisdiction": place,
                "legal_basis": [], "reason": reason, "explanation": "Generated by bench/transparency.py.",
                "requested_action": "restrict", "requested_scope": [place], "confidential": confidential,
                "emergency": emergency, "bona_fide": True, "art16_notice": submitter["kind"] != "government_agency",
                "status": "decided", "missing": [], "received_at": received, "clock_started_at": received,
                "deadline_at": deadline, "clock_rule": {"source": "default", "hours": 24},
                "clarifications": 1 if rng.random() < 0.05 else 0})
            if submitter.get("email"):
                ids["outbox"] += 1
                rows["outbox"].append({
                    "id": ids["outbox"], "message_id": f"ack-{rid}", "channel": "email", "kind": "acknowledgement",
                    "recipient": submitter["email"], "context": {"request_id": rid}, "subject": f"request:{rid}",
                    "status": "sent", "attempts": 1, "next_attempt_at": received, "created_at": received,
                    "sent_at": received + dt.timedelta(seconds=rng.uniform(5, 4 * 3600))})
            hold_id = None
            if confidential:
                ids["hold"] += 1
                hold_id = ids["hold"]
                rows["hold"].append({"id": hold_id, "request_id": rid, "legal_reason": "Secrecy of an investigation.",
                                     "review_at": received + dt.timedelta(days=90), "status": "held",
                                     "created_at": received})
            for position in range(n_items):
                ids["item"] += 1
                iid = ids["item"]
                made += 1
                outcome = rng.choices(outcomes, outcome_weights)[0]
                decided = received + dt.timedelta(hours=min(30 * 24, rng.expovariate(1 / 30)) + 0.05)
                effective = decided + (dt.timedelta(hours=rng.uniform(0.5, 12)) if rng.random() < 0.2
                                       else dt.timedelta())
                scope = ["*"] if outcome == "removed_policy" else [place] if outcome == "restricted" else []
                status, item_outcome = "effective", outcome
                if outcome == "restricted" and rng.random() < 0.01:
                    status, item_outcome = "reversed", "no_action"  # an author won the appeal
                elif outcome != "restricted" and rng.random() < 0.005:
                    # A decision not to act reversed on appeal; the item was decided again.
                    ids["decision"] += 1
                    rows["decision"].append(_decision(ids["decision"], iid, "no_action", [], received + dt.timedelta(
                        hours=1), received + dt.timedelta(hours=1), "reversed"))
                ids["decision"] += 1
                rows["decision"].append(_decision(ids["decision"], iid, outcome, scope, decided, effective, status))
                if status == "reversed" or rng.random() < 0.005:
                    ids["appeal"] += 1
                    rows["appeal"].append({
                        "id": ids["appeal"], "decision_id": ids["decision"], "item_id": iid, "appellant": "author",
                        "statement": "Generated.", "status": status if status == "reversed" else "upheld",
                        "received_at": effective + dt.timedelta(days=2), "decided_by": 1,
                        "decided_at": effective + dt.timedelta(days=4), "explanation": "Generated."})
                if confidential and outcome in COMPLIED:
                    ids["outbox"] += 1
                    rows["outbox"].append({
                        "id": ids["outbox"], "message_id": f"sor-{iid}", "channel": "email",
                        "kind": "statement_of_reasons", "recipient": f"author{iid}@users.example",
                        "context": {"decision_id": ids["decision"]}, "subject": f"item:{iid}",
                        "decision_id": ids["decision"], "status": "held", "hold_id": hold_id, "attempts": 0,
                        "next_attempt_at": effective, "created_at": effective})
                url = f"https://social.example/p/{iid}"
                rows["item"].append({
                    "id": iid, "request_id": rid, "position": position, "url": url, "normalized_url": url,
                    "status": "decided", "outcome": item_outcome, "created_at": received, "jurisdiction": place,
                    "reason": reason, "priority": 0 if emergency else 1, "severity": 3, "deadline_at": deadline,
                    "due_hour": int(deadline.timestamp() // 3600), "flag_rank": flag_rank, "crowd": 0,
                    "received_at": received, "queue_open": False, "overdue": False, "risk_flags": [],
                    "decided_at": effective, "scope": [] if status == "reversed" else scope,
                    "case_key": f"url:{url}|policy" if case else None, "report_count": 0, "reporter_count": 0,
                    "possible_coordination": case and rng.random() < 0.01,
                    # What intake and review keep on the item for reports (migration 0009).
                    "submitter_id": submitter["id"], "action_outcome": outcome,
                    "decide_seconds": round((decided - received).total_seconds(), 3),
                    "effect_seconds": round((effective - received).total_seconds(), 3)})
                if case:
                    for k in range(rng.randint(1, 3)):
                        ids["report"] += 1
                        rows["report"].append({
                            "id": ids["report"], "item_id": iid, "channel": "api", "reporter_key": f"user:{iid}-{k}",
                            "reporter_verified": False, "reason": reason, "bona_fide": k == 0,
                            "art16_notice": k == 0 and rng.random() < 0.3,
                            "received_at": received + dt.timedelta(minutes=k)})
        for kind, table in (("request", Request), ("hold", NoticeHold), ("item", Item), ("decision", Decision),
                            ("outbox", OutboxMessage), ("report", Report), ("appeal", Appeal)):
            loader.insert(table.__table__, rows[kind])
            counts[kind] += len(rows[kind])
        progress(made)
    loader.finish()
    # Statistics, and on PostgreSQL the visibility map that index-only scans need: what
    # autovacuum gives a table that grew over half a year, done at once after a bulk load.
    statement = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(statement))
    return counts


def _decision(did: int, iid: int, outcome: str, scope: list[str], decided: dt.datetime, effective: dt.datetime,
              status: str) -> dict[str, Any]:
    return {"id": did, "item_id": iid, "outcome": outcome, "scope": scope,
            "ground": "policy" if outcome == "removed_policy" else "legal", "explanation": "Generated.",
            "from_state": CLOSED.get(outcome, "legal_review"), "status": status, "approval_reasons": [],
            "decided_by": 1, "decided_at": decided, "effective_at": effective,
            "approved_by": 1 if effective > decided else None,
            "approved_at": effective if effective > decided else None}


# ----------------------------------------------------------------- the hand-written SQL
def _hand_sql(pg: bool) -> dict[str, str]:
    """The hand-written queries for the report's figures, for one engine."""
    def secs(a: str, b: str) -> str:
        return f"EXTRACT(EPOCH FROM ({b} - {a}))" if pg else f"ROUND((julianday({b}) - julianday({a})) * 86400.0, 3)"

    def median_by(select: str, keys: str) -> str:
        """The median of column d of ``select`` per ``keys`` (possibly empty)."""
        if pg:
            group = f" GROUP BY {keys}" if keys else ""
            return (f"SELECT {keys + ', ' if keys else ''}percentile_cont(0.5) WITHIN GROUP (ORDER BY d) "
                    f"FROM ({select}) x WHERE d IS NOT NULL{group}")
        part = f"PARTITION BY {keys} " if keys else ""
        return (f"SELECT {keys + ', ' if keys else ''}AVG(d) FROM (SELECT {keys + ', ' if keys else ''}d, "
                f"ROW_NUMBER() OVER ({part}ORDER BY d) rn, COUNT(*) OVER ({part.strip()}) n "
                f"FROM ({select}) x WHERE d IS NOT NULL) y WHERE rn * 2 >= n AND rn * 2 <= n + 2"
                + (f" GROUP BY {keys}" if keys else ""))

    month = "to_char(timezone('UTC', r.received_at), 'YYYY-MM')" if pg else "strftime('%Y-%m', r.received_at)"
    in_period = "r.received_at >= :start AND r.received_at < :end"
    # The same table the report reads: items carry their request's submitter, jurisdiction,
    # reason and received_at, the outcome of the standing decision and the seconds to decide
    # and to give effect (migration 0009).
    base = """WITH b AS (
        SELECT i.id, i.request_id, i.submitter_id, i.jurisdiction AS j, s.kind AS k, i.reason AS rs,
               COALESCE(i.action_outcome, 'pending') AS o, i.decide_seconds AS dd, i.effect_seconds AS de,
               i.flag_rank AS fr, i.possible_coordination AS pc
        FROM items i JOIN submitters s ON s.id = i.submitter_id
        WHERE i.received_at >= :start AND i.received_at < :end)"""
    gov = "('court', 'government_agency', 'police', 'regulator')"
    return {
        "per_request": base + """
            SELECT j, k, rs, COUNT(*), SUM(n), SUM(c) FROM (
                SELECT request_id, j, k, rs, COUNT(*) AS n,
                       MAX(CASE WHEN o IN ('restricted', 'removed_policy') THEN 1 ELSE 0 END) AS c
                FROM b GROUP BY request_id, j, k, rs) q GROUP BY j, k, rs""",
        "per_outcome": base + """
            SELECT j, k, rs, submitter_id, o, COUNT(*), COUNT(DISTINCT request_id),
                   SUM(CASE WHEN dd IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN fr = 0 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN pc THEN 1 ELSE 0 END)
            FROM b GROUP BY j, k, rs, submitter_id, o""",
        "decide": base + median_by("SELECT dd AS d FROM b", ""),
        "effect": base + median_by("SELECT de AS d FROM b", ""),
        "equal_times": base + median_by(f"SELECT submitter_id, j, dd AS d FROM b WHERE k IN {gov}",
                                        "submitter_id, j"),
        "histogram": base + """
            SELECT CASE WHEN t < 3600 THEN 0 WHEN t < 86400 THEN 1 WHEN t < 172800 THEN 2 WHEN t < 604800 THEN 3
                        WHEN t < 2592000 THEN 4 ELSE 5 END AS bucket, COUNT(*)
            FROM (SELECT dd AS t FROM b WHERE dd IS NOT NULL) x GROUP BY bucket""",
        "acknowledge": median_by(f"""SELECT {secs('r.received_at', 'm.sent_at')} AS d FROM requests r
            JOIN outbox m ON m.subject = 'request:' || CAST(r.id AS VARCHAR) AND m.kind = 'acknowledgement'
            WHERE {in_period} AND m.sent_at IS NOT NULL""", ""),
        "requests": f"""SELECT SUM(CASE WHEN r.clarifications > 0 THEN 1 ELSE 0 END),
            SUM(CASE WHEN r.emergency THEN 1 ELSE 0 END) FROM requests r WHERE {in_period}""",
        "months": f"SELECT {month}, r.jurisdiction, COUNT(*) FROM requests r WHERE {in_period} GROUP BY 1, 2",
        "channels": f"""SELECT r.submitter_id, COUNT(DISTINCT r.channel), COUNT(*) FROM requests r
            JOIN submitters s ON s.id = r.submitter_id WHERE {in_period} AND s.kind IN {gov} GROUP BY r.submitter_id""",
        "holds": f"""SELECT (SELECT COUNT(*) FROM notice_holds h JOIN requests r ON r.id = h.request_id
                             WHERE {in_period}),
                            (SELECT COUNT(*) FROM outbox m JOIN notice_holds h ON h.id = m.hold_id
                             JOIN requests r ON r.id = h.request_id WHERE {in_period})""",
        "appeals": """SELECT COUNT(*), SUM(CASE WHEN status = 'reversed' THEN 1 ELSE 0 END),
            SUM(CASE WHEN status = 'upheld' THEN 1 ELSE 0 END) FROM appeals
            WHERE received_at >= :start AND received_at < :end""",
        "reports": """SELECT reason, COUNT(*) FROM reports WHERE received_at >= :start AND received_at < :end
            GROUP BY reason""",
    }


def hand_written(engine: Engine) -> dict[str, Any]:
    """The report's figures by the hand-written SQL (derived in Python where a sum of groups suffices)."""
    queries = _hand_sql(engine.dialect.name == "postgresql")
    params = {"start": PERIOD.start, "end": PERIOD.end}
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        for name, sql in queries.items():
            statement = text(sql)
            binds = [bindparam(p, type_=UTCDateTime()) for p in ("start", "end") if f":{p}" in sql]
            out[name] = conn.execute(statement.bindparams(*binds), params).all()
        conn.rollback()
    return out


# ----------------------------------------------------------------- comparing
def figures_of_report(data: dict[str, Any]) -> dict[str, Any]:
    t = data["totals"]
    return {
        "requests": t["requests"], "items": t["items"], "items_decided": t["items_decided"],
        "requests_complied": t["requests_complied"], "clarifications": t["clarifications"],
        "emergencies": t["emergencies"], "gag_holds": t["gag_holds"], "notices_held": t["notices_held"],
        "appeals": t["appeals"], "appeals_reversed": t["appeals_reversed"], "trusted_flagger_items":
        t["trusted_flagger_items"], "coordinated_bursts": t["coordinated_bursts"],
        "median_hours": data["median_hours"],
        "outcomes": {o["outcome"]: o["items"] for o in data["outcome_totals"]},
        "histogram": [b["items"] for b in data["decision_times"]],
        "google": {g["code"]: (g["all"]["requests"], g["all"]["items"], g["all"]["complied_share"],
                               g["court"]["requests"]) for g in data["google_summary"]},
        "equal_medians": sorted((r["jurisdiction"], r["median_hours_to_decision"], r["items"])
                                for r in data["equal_treatment"]["submitters"]),
        "months": len(data["requests_by_month"]), "user_reports": sum(r["reports"] for r in data["user_reports"]),
    }


def figures_of_sql(rows: dict[str, Any]) -> dict[str, Any]:
    def hours(value: Any) -> float | None:
        return None if value is None else round(float(value) / 3600, 2)

    per_request = rows["per_request"]
    per_outcome = rows["per_outcome"]
    google: dict[str, list[int]] = {}
    for j, k, _rs, n, items, complied in per_request:
        if k in OFFICIAL:
            g = google.setdefault(j, [0, 0, 0, 0])
            g[0] += int(n)
            g[1] += int(items)
            g[2] += int(complied)
            g[3] += int(n) if k == "court" else 0
    outcomes: dict[str, int] = {}
    equal_items: dict[tuple[int, str], int] = {}
    for j, k, _rs, submitter, o, n, _req, _decided, _fr, _pc in per_outcome:
        outcomes[o] = outcomes.get(o, 0) + int(n)
        if k in OFFICIAL:
            equal_items[(submitter, j)] = equal_items.get((submitter, j), 0) + int(n)
    times = {(s, j): hours(d) for s, j, d in rows["equal_times"]}
    histogram = dict(rows["histogram"])
    clarified, emergencies = rows["requests"][0]
    holds, held = rows["holds"][0]
    appeals, reversed_, _upheld = rows["appeals"][0]
    return {
        "requests": sum(int(r[3]) for r in per_request), "items": sum(int(r[4]) for r in per_request),
        "items_decided": sum(int(r[7]) for r in per_outcome),
        "requests_complied": sum(int(r[5]) for r in per_request), "clarifications": int(clarified or 0),
        "emergencies": int(emergencies or 0), "gag_holds": int(holds), "notices_held": int(held),
        "appeals": int(appeals), "appeals_reversed": int(reversed_ or 0),
        "trusted_flagger_items": sum(int(r[8]) for r in per_outcome),
        "coordinated_bursts": sum(int(r[9]) for r in per_outcome),
        "median_hours": {"acknowledge": hours(rows["acknowledge"][0][0]), "decide": hours(rows["decide"][0][0]),
                         "give_effect": hours(rows["effect"][0][0])},
        "outcomes": dict(sorted(outcomes.items())),
        "histogram": [int(histogram.get(i, 0)) for i in range(6)],
        "google": {j: (n, i, round(100 * c / n, 1) if n else None, court) for j, (n, i, c, court) in google.items()},
        "equal_medians": sorted((j, times.get((s, j)), n) for (s, j), n in equal_items.items()),
        "months": len(rows["months"]), "user_reports": sum(int(n) for _, n in rows["reports"]),
    }


# ----------------------------------------------------------------- running
def best(runs: int, call: Callable[[], Any]) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return times, result


def docket_report(engine: Engine) -> dict[str, Any]:
    with transaction(make_sessionmaker(engine)) as session:
        begin_readonly(session)
        return aggregates.report(session=session, period=PERIOD, now=NOW)


@contextlib.contextmanager
def fresh_database(kind: str, pg_url: str) -> Iterator[str]:
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="docket-bench-transparency-"))
        try:
            yield f"sqlite:///{folder}/bench.db"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    url = make_url(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
        yield url.set(database=PG_DATABASE).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
        admin.dispose()


def run_engine(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {"engine": kind, "items": args.items}
    with fresh_database(kind, args.pg_url) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            say = (lambda *_: None) if args.json else (lambda n: print(f"\r  {kind}: loaded {n:,} items", end="",
                                                                       file=sys.stderr, flush=True))
            started = time.perf_counter()
            result["rows"] = load(engine, args.items, say)
            result["load_seconds"] = round(time.perf_counter() - started, 1)
            if not args.json:
                print(file=sys.stderr)
            report_times, data = best(args.runs, lambda: docket_report(engine))
            sql_times, rows = best(args.runs, lambda: hand_written(engine))
            result["report_seconds"] = [round(t, 3) for t in report_times]
            result["sql_seconds"] = [round(t, 3) for t in sql_times]
            result["ratio"] = round(min(report_times) / min(sql_times), 2)
            mine, theirs = figures_of_report(data), figures_of_sql(rows)
            result["figures"] = mine
            result["same_figures"] = mine == theirs
            if mine != theirs:
                result["differences"] = {k: {"report": mine[k], "sql": theirs.get(k)} for k in mine
                                         if mine[k] != theirs.get(k)}
            result["goal_met"] = min(report_times) <= GOAL_SECONDS and result["ratio"] <= GOAL_RATIO
        finally:
            engine.dispose()
    return result


def show(result: dict[str, Any]) -> None:
    f = result["figures"]
    print(f"\n{result['engine']}: {result['items']:,} decided items, loaded in {result['load_seconds']} s "
          f"({', '.join(f'{k} {v:,}' for k, v in result['rows'].items())})")
    print(f"  docket report (2026-H1): {', '.join(f'{t:.2f} s' for t in result['report_seconds'])}")
    print(f"  hand-written SQL:        {', '.join(f'{t:.2f} s' for t in result['sql_seconds'])}")
    print(f"  ratio docket / SQL (best of each): {result['ratio']:.2f}   goal ≤ {GOAL_SECONDS:g} s and ≤ "
          f"{GOAL_RATIO:g}×: {'met' if result['goal_met'] else 'missed'}")
    print(f"  same figures from both: {'yes' if result['same_figures'] else 'NO'}")
    for key, diff in result.get("differences", {}).items():
        print(f"    {key}: report {diff['report']} / sql {diff['sql']}")
    print(f"  requests {f['requests']:,}, items {f['items']:,}, decided {f['items_decided']:,}, complied requests "
          f"{f['requests_complied']:,}, appeals {f['appeals']:,} ({f['appeals_reversed']:,} reversed), holds "
          f"{f['gag_holds']:,}, held notices {f['notices_held']:,}, trusted-flagger items "
          f"{f['trusted_flagger_items']:,}, bursts {f['coordinated_bursts']:,}, user reports {f['user_reports']:,}")
    print(f"  median hours: {f['median_hours']}")
    print(f"  outcomes: {f['outcomes']}")
    print(f"  time to decision (<1h, 1-24h, 1-2d, 2-7d, 7-30d, >=30d): {f['histogram']}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--items", type=int, default=1_000_000, help="decided items to load (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=2, help="timed runs of each (default 2; the best counts)")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help=f"a PostgreSQL server to make and drop {PG_DATABASE} on")
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")
    args = parser.parse_args(argv)
    if args.items < 1 or args.runs < 1:
        parser.error("--items and --runs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    engines = ("sqlite", "postgresql") if args.engine == "both" else (args.engine,)
    results = []
    try:
        for kind in engines:
            try:
                results.append(run_engine(kind, args))
            except Exception as exc:  # a run that could not be made: say why, go on with the next
                results.append({"engine": kind, "failure": f"{type(exc).__name__}: {exc}"})
            if not args.json:
                if "failure" in results[-1]:
                    print(f"\n{kind}: could not run: {results[-1]['failure']}")
                else:
                    show(results[-1])
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps({"results": results}, default=str))
    return 1 if any("failure" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

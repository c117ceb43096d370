"""The retroactive copy scan (docket.matching.scan) over many registered fingerprints.

The script fills a fresh database with docket's demo (real restrictions, through the real
decision flow), then registers ``--size`` more pieces of content straight into the
database (``store.insert_rows``, no API): half images (a SHA-256 and a PDQ hash of quality
100 each), half posts (a normalised-text SHA-256 and a MinHash signature each), random, so
that nearly none is a copy; a few true copies of the restricted content are planted among
them. It then times one scan of a batch of 1 and of 10 restrictions (as the worker's round
does: claim, one pass over the fingerprints, record the copies and open their cases), each
in a transaction rolled back afterwards so every run sees the same database, and prints
seconds (the read-only pass, and the recording) and fingerprints compared per second.

    .venv/bin/python bench/copy_scan.py                   # SQLite, 100,000 content
    .venv/bin/python bench/copy_scan.py --size 1000000 --database-url postgresql+psycopg://…/bench
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

# bench/queue.py would shadow the standard library's ``queue``: take bench/ off the path.
_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import delete, select

import docket.models  # noqa: F401  (every table)
from docket import schema, store
from docket.content.models import Content, ContentFingerprint
from docket.demo import load_demo
from docket.matching import fingerprints as fp
from docket.matching import scan
from docket.matching.models import CopyScan
from docket.settings import Settings

CHUNK = 20_000


def fill(factory: Any, size: int, seed: int) -> int:
    """Register ``size`` random pieces of content with their fingerprints; the number of fingerprints."""
    rng = np.random.default_rng(seed)
    now = store.utcnow()
    written = 0
    for start in range(0, size, CHUNK):
        count = min(CHUNK, size - start)
        ids = [f"bench-{n}" for n in range(start, start + count)]
        content = [{"id": cid, "url": None, "normalized_url": None, "type": "image" if n % 2 == 0 else "post",
                    "author_id": f"author-{n % 5000}", "author_contact": None, "language": None, "created_at": None,
                    "text": None, "sha256": None, "registered_at": now, "updated_at": now}
                   for n, cid in zip(range(start, start + count), ids, strict=True)]
        exact = rng.bytes(32 * count)
        pdq = rng.bytes(32 * count)
        signatures = rng.bytes(4 * fp.MINHASH_PERMUTATIONS * count)
        rows: list[dict[str, Any]] = []
        for i, cid in enumerate(ids):
            if (start + i) % 2 == 0:
                rows.append({"content_id": cid, "kind": "sha256", "value": exact[32 * i:32 * i + 32], "quality": None})
                rows.append({"content_id": cid, "kind": "pdq", "value": pdq[32 * i:32 * i + 32], "quality": 100})
            else:
                size_ = 4 * fp.MINHASH_PERMUTATIONS
                rows.append({"content_id": cid, "kind": "text_sha256", "value": exact[32 * i:32 * i + 32],
                             "quality": None})
                rows.append({"content_id": cid, "kind": "minhash", "value": signatures[size_ * i:size_ * (i + 1)],
                             "quality": None})
        with store.transaction(factory) as session:
            store.insert_rows(session, Content, content, returning=False)
            store.insert_rows(session, ContentFingerprint, rows, returning=False)
        written += len(rows)
    return written


def fingerprint_originals(factory: Any, restriction_ids: list[int], seed: int) -> None:
    """Fingerprints for the restricted content that has none (most of the demo's restricted
    content was registered without an image or text): an image's two and a text's two."""
    from docket.enforcement.models import Restriction

    rng = np.random.default_rng(seed)
    with store.transaction(factory) as session:
        subjects = sorted(set(session.execute(select(Restriction.subject_id).where(
            Restriction.id.in_(restriction_ids))).scalars()))
        have = set(session.execute(select(ContentFingerprint.content_id).where(
            ContentFingerprint.content_id.in_(subjects))).scalars())
        rows = [{"content_id": cid, "kind": kind, "value": rng.bytes(length), "quality": quality}
                for cid in subjects if cid not in have
                for kind, length, quality in (("sha256", 32, None), ("pdq", 32, 100), ("text_sha256", 32, None),
                                              ("minhash", 4 * fp.MINHASH_PERMUTATIONS, None))]
        store.insert_rows(session, ContentFingerprint, rows, returning=False)


def plant_copies(factory: Any, restriction_ids: list[int]) -> int:
    """A copy of each of these restrictions' content: its fingerprints with a few bits flipped."""
    from docket.matching import service

    planted = 0
    with store.transaction(factory) as session:
        entries = service.entries_for(session=session, restriction_ids=restriction_ids)
        now = store.utcnow()
        for n, e in enumerate(entries):
            if e["kind"] not in ("pdq", "minhash"):
                continue
            value = bytearray(bytes.fromhex(e["value"]))
            value[0] ^= 0x07 if e["kind"] == "pdq" else 0xFF  # 3 bits of PDQ; one MinHash value of 128
            cid = f"planted-copy-{n}"
            store.insert_rows(session, Content, [{
                "id": cid, "url": None, "normalized_url": None, "type": "post", "author_id": "copycat",
                "author_contact": None, "language": None, "created_at": None, "text": None, "sha256": None,
                "registered_at": now, "updated_at": now}], returning=False)
            store.insert_rows(session, ContentFingerprint, [{"content_id": cid, "kind": e["kind"],
                                                             "value": bytes(value), "quality": e["quality"]}],
                              returning=False)
            planted += 1
    return planted


def timed_scan(factory: Any, settings: Settings, restriction_ids: list[int]) -> dict[str, Any]:
    """One scan of these restrictions as the worker's round does it — the read-only pass,
    then the claims and the copies recorded — rolled back afterwards."""
    session = factory()
    try:
        started = time.perf_counter()
        found = scan.find(session=session, settings=settings, restriction_ids=restriction_ids)
        passed = time.perf_counter() - started
        now = store.utcnow()
        for r in restriction_ids:
            assert scan.claim(session=session, restriction_id=r, now=now)
        done = scan.record(session=session, settings=settings, found=found, restriction_ids=restriction_ids, now=now)
        session.flush()
        seconds = time.perf_counter() - started
    finally:
        session.rollback()
        session.close()
    return {"restrictions": len(restriction_ids), "seconds": round(seconds, 3), "pass_seconds": round(passed, 3),
            "record_seconds": round(seconds - passed, 3), "fingerprints_compared": done.fingerprints_read,
            "fingerprints_per_second": round(done.fingerprints_read / passed) if passed else None,
            "content_checked": done.content_checked, "matches": len(done.matches), "copy_items": len(done.items)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="pieces of content registered (default 100,000)")
    parser.add_argument("--database-url", default=None, help="an empty database (default: a new SQLite file)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each batch; the best is printed")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="docket-copy-scan-"))
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    settings = Settings(database_url=url, secret_key="b" * 48, run_worker=False, log_seal_seconds=0,
                        mail_dir=str(folder / "mail"), document_dir=str(folder / "documents"))
    engine = store.make_engine(url)
    schema.upgrade(engine)
    factory = store.make_sessionmaker(engine)
    started = time.perf_counter()
    with store.transaction(factory) as session:
        load_demo(session=session, base_url="http://127.0.0.1:8000", settings=settings)
    with store.transaction(factory) as session:
        # The demo's own scan has looked at its restrictions (and found its early copy): the
        # bench scans them again, as if never scanned.
        session.execute(delete(CopyScan))
    with store.read_only(factory) as session:
        restrictions = scan.due(session=session, now=store.utcnow(), limit=10)
    if len(restrictions) < 10:
        raise SystemExit(f"the demo has {len(restrictions)} content restrictions in force; 10 are needed")
    demo_seconds = time.perf_counter() - started
    started = time.perf_counter()
    written = fill(factory, args.size, seed=19)
    fingerprint_originals(factory, restrictions, seed=20)
    planted = plant_copies(factory, restrictions)
    fill_seconds = time.perf_counter() - started
    results = []
    for batch in (1, 10):
        runs = [timed_scan(factory, settings, restrictions[:batch]) for _ in range(args.runs)]
        results.append(min(runs, key=lambda r: r["seconds"]))
    engine.dispose()
    report = {"engine": engine.dialect.name, "content": args.size, "fingerprints": written,
              "planted_copies": planted, "demo_seconds": round(demo_seconds, 1),
              "fill_seconds": round(fill_seconds, 1), "scans": results}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"{engine.dialect.name}: {args.size:,} content, {written:,} fingerprints registered in {fill_seconds:.1f} s "
          f"({planted} planted copies)")
    for r in results:
        print(f"  batch of {r['restrictions']:>2} restrictions: {r['seconds']:.2f} s — "
              f"the pass {r['pass_seconds']:.2f} s "
              f"({r['fingerprints_compared']:,} PDQ and MinHash fingerprints compared, "
              f"{r['fingerprints_per_second']:,}/s), recording {r['matches']} matches and opening "
              f"{r['copy_items']} copy cases {r['record_seconds']:.2f} s")


if __name__ == "__main__":
    main()

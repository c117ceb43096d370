"""The restricted bank on its own (no database): what it banks, what a match says about
where the restriction applies, and how feed changes add and take out entries. The bank is
what keeps a copy's restriction no wider than the original's, so these tests guard it under
mutation testing (scripts/mutation.py, module ``bank``)."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from docket.matching import fingerprints as fp
from docket.matching.bank import GLOBAL, Bank, Match, entry_from, fingerprints_of, pdq_value
from docket.matching.fingerprints import Fingerprint, Kind

POSTER = bytes(range(32))
POST = ("The governor's motorcade blocked the hospital road for an hour on Tuesday while an "
        "ambulance waited behind it, according to three witnesses at the scene. Police at the "
        "checkpoint refused to let the ambulance pass until the last car had gone, and the "
        "hospital confirmed that the patient arrived in a critical condition later that morning.")
EDITED = POST.replace("Tuesday", "Wednesday")
OTHER = ("Weather forecasts for the coming week promise rain in the north and an early frost in the "
         "mountain valleys, with clear skies returning on Sunday afternoon.")


def _flip(value: bytes, count: int) -> bytes:
    number = int.from_bytes(value, "big")
    for bit in range(count):  # spread over the 256 bits
        number ^= 1 << (bit * 37 % 256)
    return number.to_bytes(32, "big")


def _row(restriction: int, kind: Kind, value: bytes, *, scope: list[str] | None = None, quality: int | None = None,
         ends_at: object = None, content: str = "poster", decision: int | None = None) -> dict[str, object]:
    return {"restriction_id": restriction, "decision_id": decision or restriction * 10, "content_id": content,
            "kind": kind.value, "value": value.hex(), "quality": quality, "scope": scope or ["KZ"],
            "ends_at": ends_at}


def _text_rows(restriction: int, text: str, **kw: object) -> list[dict[str, object]]:
    return [_row(restriction, f.kind, f.value, **kw) for f in fingerprints_of(text=text)]  # type: ignore[arg-type]


class Clock:
    def __init__(self, at: float = 1_000_000.0) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def test_a_match_says_where_the_restriction_applies() -> None:
    bank = Bank()
    bank.load([_row(1, Kind.pdq, POSTER, scope=["TR", "KZ"], quality=90)], cursor=7)
    assert len(bank) == 1 and bank.cursor == 7
    near = Fingerprint(Kind.pdq, _flip(POSTER, 5), 90)
    [inside] = bank.match([near], country="KZ")
    [outside] = bank.match([near], country="DE")
    [unknown] = bank.match([near])
    assert (inside.applies, outside.applies, unknown.applies) == (True, False, None)
    assert inside.scope == ("KZ", "TR") and inside.distance == 5 and inside.similarity is None
    assert (inside.content_id, inside.decision_id, inside.restriction_id) == ("poster", 10, 1)
    assert inside.as_dict() == {"kind": "pdq", "content_id": "poster", "decision_id": 10, "restriction_id": 1,
                                "scope": ["KZ", "TR"], "exact": False, "distance": 5, "similarity": None,
                                "applies": True}


def test_a_global_restriction_applies_in_every_country() -> None:
    bank = Bank()
    bank.load([_row(1, Kind.sha256, fp.sha256(b"video"), scope=[GLOBAL])], cursor=1)
    [found] = bank.match([Fingerprint(Kind.sha256, fp.sha256(b"video"))], country="BR")
    assert found.applies is True and found.as_dict()["scope"] == "global" and found.as_dict()["exact"] is True
    assert found.distance is None and found.similarity is None


def test_pdq_within_the_distance_only_and_of_enough_quality() -> None:
    bank = Bank(pdq_distance=10)
    bank.load([_row(1, Kind.pdq, POSTER, quality=60)], cursor=1)
    assert [m.distance for m in bank.match([Fingerprint(Kind.pdq, _flip(POSTER, 10), 60)])] == [10]
    assert bank.match([Fingerprint(Kind.pdq, _flip(POSTER, 11), 60)]) == []
    # A query below the bank's quality is not matched; one of unknown quality is.
    assert bank.match([Fingerprint(Kind.pdq, POSTER, 49)]) == []
    assert len(bank.match([Fingerprint(Kind.pdq, POSTER, 50)])) == 1
    assert len(bank.match([Fingerprint(Kind.pdq, POSTER, None)])) == 1
    # A low-quality hash is passed over, not the rest of the query.
    bank.load([_row(1, Kind.pdq, POSTER, quality=60), _row(2, Kind.sha256, b"\x07" * 32)], cursor=1)
    found = bank.match([Fingerprint(Kind.pdq, POSTER, 10), Fingerprint(Kind.sha256, b"\x07" * 32)])
    assert [m.restriction_id for m in found] == [2]


def test_a_low_quality_hash_is_not_banked() -> None:
    bank = Bank(pdq_quality=50)
    assert bank.load([_row(1, Kind.pdq, POSTER, quality=49)], cursor=1) == 0
    assert bank.match([Fingerprint(Kind.pdq, POSTER, 100)]) == []
    # What follows a low-quality hash is banked all the same.
    assert bank.load([_row(3, Kind.pdq, _flip(POSTER, 1), quality=10), _row(1, Kind.pdq, POSTER, quality=50),
                      _row(2, Kind.pdq, _flip(POSTER, 40)), _row(4, Kind.sha256, b"\x04" * 32)], cursor=1) == 3
    assert [m.restriction_id for m in bank.match([Fingerprint(Kind.pdq, POSTER, 100)])] == [1]
    assert bank.sizes() == {"sha256": 1, "pdq": 2, "text_sha256": 0, "minhash": 0}


def test_text_by_its_exact_hash_and_its_similarity() -> None:
    bank = Bank()
    bank.load(_text_rows(1, POST), cursor=1)
    [exact] = bank.match(fingerprints_of(text=POST.upper() + "!!"))
    assert exact.kind == Kind.text_sha256 and exact.as_dict()["exact"] is True
    [near] = bank.match(fingerprints_of(text=EDITED))
    assert near.kind == Kind.minhash and near.similarity == fp.similarity(
        fp.minhash(EDITED), fp.minhash(POST))
    assert 0.85 <= near.similarity < 1.0 and near.applies is None
    assert [m.applies for m in bank.match(fingerprints_of(text=EDITED), country="KZ")] == [True]
    assert [m.applies for m in bank.match(fingerprints_of(text=EDITED), country="US")] == [False]
    assert bank.match(fingerprints_of(text=OTHER)) == []
    strict = Bank(text_similarity=0.99)
    strict.load(_text_rows(1, POST), cursor=1)
    assert strict.match(fingerprints_of(text=EDITED)) == []


def test_one_match_per_restriction_and_medium_the_nearest() -> None:
    bank = Bank()
    rows = [_row(1, Kind.pdq, POSTER, quality=90), _row(1, Kind.sha256, fp.sha256(b"poster.png")),
            _row(1, Kind.pdq, _flip(POSTER, 3), quality=90), *_text_rows(1, POST),
            _row(2, Kind.pdq, _flip(POSTER, 8), quality=90, scope=["TR"], content="banner")]
    bank.load(rows, cursor=3)
    found = bank.match([Fingerprint(Kind.sha256, fp.sha256(b"poster.png")), Fingerprint(Kind.pdq, POSTER, 90),
                        *fingerprints_of(text=POST)])
    # Restriction 1: the exact media hash wins over PDQ, the exact text hash over MinHash;
    # restriction 2: its PDQ; exact ones first.
    assert [(m.restriction_id, m.kind) for m in found] == [(1, Kind.sha256), (1, Kind.text_sha256),
                                                            (2, Kind.pdq)]
    nearest = bank.match([Fingerprint(Kind.pdq, _flip(POSTER, 3), 90)], country="KZ")
    assert [(m.restriction_id, m.distance, m.applies) for m in nearest] == [(1, 0, True), (2, 5, False)]


def test_an_ended_restriction_matches_no_more() -> None:
    clock = Clock()
    ends = dt.datetime.fromtimestamp(clock.at + 60, dt.UTC).isoformat().replace("+00:00", "Z")
    bank = Bank(clock=clock)
    bank.load([_row(1, Kind.pdq, POSTER, ends_at=ends), _row(1, Kind.sha256, b"\x06" * 32, ends_at=ends),
               *_text_rows(1, POST, ends_at=ends)], cursor=1)
    queries = [Fingerprint(Kind.pdq, POSTER), Fingerprint(Kind.sha256, b"\x06" * 32), *fingerprints_of(text=EDITED),
               *fingerprints_of(text=POST)]
    # The edited text's own hash is no exact match; its signature is a near one.
    assert [len(bank.match([q])) for q in queries] == [1, 1, 0, 1, 1, 1]
    clock.at += 59.9
    assert [len(bank.match([q])) for q in queries] == [1, 1, 0, 1, 1, 1]
    clock.at += 0.1
    assert [bank.match([q]) for q in queries] == [[]] * 6
    assert bank.match_many(queries) == [[]] * 6


def test_feed_changes_add_replace_and_take_out() -> None:
    bank = Bank()
    assert bank.cursor == 0 and bank.sizes() == {"sha256": 0, "pdq": 0, "text_sha256": 0, "minhash": 0}
    start = {"cursor": 6, "op": "start", "restriction_id": 1, "subject_kind": "content"}
    # A bank never loaded applies changes from the first; a start without fingerprints
    # (content registered without any) banks nothing.
    bank.apply_all([{**start, "cursor": 1, "restriction_id": 5}], [])
    assert bank.cursor == 1 and len(bank) == 0
    bank.load([], cursor=5)
    assert bank.wanted([start, {**start, "cursor": 5, "restriction_id": 9},
                        {**start, "cursor": 7, "restriction_id": 2, "subject_kind": "account"},
                        {**start, "cursor": 8, "restriction_id": 3, "op": "end"}]) == [1]
    # A start adds only its own restriction's rows.
    bank.apply_all([start], [_row(1, Kind.pdq, POSTER), _row(2, Kind.pdq, _flip(POSTER, 50))])
    assert len(bank) == 1 and bank.cursor == 6
    # A change at or below the cursor is skipped.
    bank.apply({**start, "cursor": 6, "op": "end"})
    assert len(bank) == 1
    # A start again replaces the restriction's entries (never doubles them).
    bank.apply({**start, "cursor": 7}, [_row(1, Kind.pdq, _flip(POSTER, 40)), _row(1, Kind.sha256, b"\x01" * 32)])
    assert len(bank) == 2 and bank.match([Fingerprint(Kind.pdq, POSTER)]) == []
    assert len(bank.match([Fingerprint(Kind.sha256, b"\x01" * 32)])) == 1
    assert bank.sizes() == {"sha256": 1, "pdq": 1, "text_sha256": 0, "minhash": 0}
    # A refresh (the content's fingerprints changed) replaces them too; an op the bank does
    # not know changes nothing.
    assert bank.wanted([{**start, "cursor": 8, "op": "refresh"}]) == [1]
    bank.apply({**start, "cursor": 8, "op": "refresh"}, [_row(1, Kind.pdq, POSTER)])
    assert [m.restriction_id for m in bank.match([Fingerprint(Kind.pdq, POSTER)])] == [1]
    assert bank.match([Fingerprint(Kind.sha256, b"\x01" * 32)]) == []
    bank.apply({**start, "cursor": 9, "op": "unknown"})
    assert len(bank) == 1 and bank.cursor == 9
    bank.apply({**start, "cursor": 10, "op": "end"})
    assert len(bank) == 0 and bank.cursor == 10
    assert bank.sizes() == {"sha256": 0, "pdq": 0, "text_sha256": 0, "minhash": 0}
    assert bank.match([Fingerprint(Kind.pdq, _flip(POSTER, 40)), Fingerprint(Kind.sha256, b"\x01" * 32)]) == []


def test_taking_a_restriction_out_leaves_the_others() -> None:
    bank = Bank()
    bank.load([_row(1, Kind.pdq, POSTER), *_text_rows(1, POST), _row(1, Kind.sha256, b"\x02" * 32),
               _row(2, Kind.pdq, POSTER, scope=["TR"]), *_text_rows(2, POST, scope=["TR"]),
               _row(2, Kind.sha256, b"\x02" * 32, scope=["TR"])], cursor=1)
    bank.apply({"cursor": 2, "op": "end", "restriction_id": 1, "subject_kind": "content"})
    found = bank.match([Fingerprint(Kind.pdq, POSTER), Fingerprint(Kind.sha256, b"\x02" * 32),
                        *fingerprints_of(text=EDITED)])
    assert {m.restriction_id for m in found} == {2} and len(found) == 2
    assert {m.kind for m in found} == {Kind.sha256, Kind.minhash}
    # Every index let go of restriction 1's fingerprints (none held on in memory).
    assert bank.sizes() == {"sha256": 1, "pdq": 1, "text_sha256": 1, "minhash": 1}


def test_a_batch_answers_as_each_alone() -> None:
    bank = Bank(pdq_distance=25)
    bank.load([_row(1, Kind.pdq, POSTER, scope=["KZ"]), _row(2, Kind.pdq, _flip(POSTER, 20), scope=["TR"]),
               *_text_rows(3, POST)], cursor=1)
    queries = [Fingerprint(Kind.pdq, _flip(POSTER, 2), 80), Fingerprint(Kind.pdq, POSTER, 10),
               Fingerprint(Kind.pdq, _flip(POSTER, 120)), *fingerprints_of(text=EDITED),
               Fingerprint(Kind.pdq, POSTER, 50), Fingerprint(Kind.pdq, _flip(POSTER, 47))]
    batch = bank.match_many(queries, country="TR")
    assert batch == [bank.match([q], country="TR") for q in queries]
    # The last is 27 bits from restriction 2's hash and 47 from restriction 1's: beyond 25.
    assert [len(b) for b in batch] == [2, 0, 0, 0, 1, 2, 0]
    assert [m.applies for m in batch[0]] == [False, True]


def test_entries_read_from_either_plain_form() -> None:
    from_hex = entry_from({"restriction_id": "4", "decision_id": 40, "content_id": 7, "kind": "pdq",
                           "value": POSTER.hex(), "quality": 70, "scope": ["TR", "KZ"],
                           "ends_at": "2026-12-03T10:00:00Z"})
    from_bytes = entry_from({"restriction_id": 4, "decision_id": 40, "content_id": "7", "kind": "pdq",
                             "value": memoryview(POSTER), "quality": 70, "scope": ("KZ", "TR"),
                             "ends_at": dt.datetime(2026, 12, 3, 10, 0)})
    assert from_hex == from_bytes
    assert from_hex.value == POSTER and from_hex.scope == ("KZ", "TR") and from_hex.content_id == "7"
    assert from_hex.ends_at == dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC).timestamp()
    almaty = dt.timezone(dt.timedelta(hours=5))
    at_five = _row(1, Kind.sha256, b"\x00" * 32, ends_at=dt.datetime(2026, 12, 3, 15, tzinfo=almaty))
    assert entry_from(at_five).ends_at == from_hex.ends_at
    assert entry_from({**at_five, "ends_at": "2026-12-03T15:00:00+05:00"}).ends_at == from_hex.ends_at
    assert entry_from({**_row(1, Kind.sha256, b"\x00" * 32), "ends_at": 12.5}).ends_at == 12.5
    assert entry_from(_row(1, Kind.sha256, b"\x00" * 32)).ends_at is None
    assert not from_hex.is_global and entry_from(_row(1, Kind.pdq, POSTER, scope=[GLOBAL])).is_global


def test_a_time_without_a_zone_is_utc_wherever_the_process_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Almaty")
    time.tzset()
    try:
        naive = entry_from(_row(1, Kind.sha256, b"\x00" * 32, ends_at=dt.datetime(2026, 12, 3, 10, 0)))
        text = entry_from(_row(1, Kind.sha256, b"\x00" * 32, ends_at="2026-12-03T10:00:00"))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert naive.ends_at == text.ends_at == dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC).timestamp()


def test_what_a_query_or_registration_stands_for() -> None:
    assert fingerprints_of() == []
    assert fingerprints_of(text="   ") == []
    assert [f.kind for f in fingerprints_of(text="!!! ???")] == [Kind.text_sha256]
    prints = fingerprints_of(sha256=b"\x03" * 32, pdq=POSTER, pdq_quality=77, text=POST)
    assert [f.kind for f in prints] == [Kind.sha256, Kind.pdq, Kind.text_sha256, Kind.minhash]
    assert prints[0] == Fingerprint(Kind.sha256, b"\x03" * 32) and prints[1] == Fingerprint(Kind.pdq, POSTER, 77)
    assert prints[2].value == fp.text_sha256(POST) and prints[3].value == fp.minhash(POST)
    assert pdq_value(POSTER.hex()) == POSTER
    with pytest.raises(ValueError):
        pdq_value("not a hash")


def test_matches_are_ordered_exact_then_nearest() -> None:
    bank = Bank()
    bank.load([_row(1, Kind.pdq, _flip(POSTER, 9)), _row(2, Kind.pdq, _flip(POSTER, 4)),
               _row(3, Kind.sha256, b"\x05" * 32), _row(4, Kind.pdq, _flip(POSTER, 4))], cursor=1)
    found = bank.match([Fingerprint(Kind.pdq, POSTER), Fingerprint(Kind.sha256, b"\x05" * 32)])
    assert [(m.restriction_id, m.distance) for m in found] == [(3, None), (2, 4), (4, 4), (1, 9)]
    assert isinstance(found[0], Match)


def test_images_before_texts_and_the_most_similar_text_first() -> None:
    bank = Bank()
    further = POST.replace("Tuesday", "Friday").replace("three", "four")
    bank.load([*_text_rows(1, further), *_text_rows(2, POST), _row(3, Kind.pdq, _flip(POSTER, 30))], cursor=1)
    found = bank.match([*fingerprints_of(text=EDITED), Fingerprint(Kind.pdq, POSTER)])
    assert [m.restriction_id for m in found] == [3, 2, 1]
    assert found[1].similarity is not None and found[2].similarity is not None
    assert found[1].similarity > found[2].similarity

"""The in-memory restriction index: every visibility check reads only this.

Built from the snapshot and kept current by applying the change feed. It is used
by every ``docket serve`` process and by :class:`docket.client.RestrictionReplica`
in a platform's own process.

Memory: a restriction's details (scope, notice kind, end) are interned in a
:class:`Group` shared by every subject with the same details — most restrictions
are "this one country, legal demand, indefinitely" — so each restricted subject
costs one dict entry: its id string and a pointer.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

GLOBAL = "*"


class Group:
    """Scope, notice kind and end of a restriction; shared by every subject that has them."""

    __slots__ = ("scope", "is_global", "kind", "ends_at", "countries")

    def __init__(self, scope: frozenset[str], kind: str, ends_at: float | None) -> None:
        self.scope = scope
        self.is_global = GLOBAL in scope
        self.kind = kind
        self.ends_at = ends_at  # POSIX seconds, or None for indefinitely
        self.countries = sorted(scope - {GLOBAL})

    def active(self, now: float) -> bool:
        return self.ends_at is None or now < self.ends_at


def _epoch(value: dt.datetime | str | float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.timestamp()


class Verdict:
    """The answer for one (subject, country): visible or not, where withheld, and why."""

    __slots__ = ("visible", "withheld_in", "kind", "rule")

    def __init__(self, visible: bool, withheld_in: list[str] | str, kind: str | None, rule: str) -> None:
        self.visible = visible
        self.withheld_in = withheld_in  # countries, or "global"
        self.kind = kind  # the notice kind of the restriction that applies
        self.rule = rule  # "country", "fail_closed" or "fail_open"


VISIBLE = Verdict(True, [], None, "country")


class RestrictionIndex:
    """Active restrictions by content id and by author (account restrictions).

    Reads take no lock: a dict lookup is atomic under the GIL and writers replace
    values whole. Writers (the feed follower) serialize on ``_lock``.
    """

    def __init__(self, *, unknown_country: str = "fail_closed",
                 clock: Callable[[], float] = time.time) -> None:
        if unknown_country not in ("fail_closed", "fail_open"):
            raise ValueError("unknown_country must be fail_closed or fail_open")
        self.unknown_country = unknown_country
        # POSIX seconds; a test passes its own clock to expire restrictions without sleeping.
        self.clock = clock
        self.content: dict[str, Group | tuple[Group, ...]] = {}
        self.accounts: dict[str, Group | tuple[Group, ...]] = {}
        self._groups: dict[tuple[frozenset[str], str, float | None], Group] = {}
        self._lock = threading.Lock()
        self.cursor = 0
        self.changed = threading.Condition()

    # ------------------------------------------------------------ writing
    def _group(self, scope: Iterable[str], kind: str, ends_at: Any) -> Group:
        key = (frozenset(scope), kind, _epoch(ends_at))
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = Group(*key)
        return group

    def _table(self, subject_kind: str) -> dict[str, Group | tuple[Group, ...]]:
        return self.accounts if subject_kind == "account" else self.content

    def _add(self, table: dict[str, Group | tuple[Group, ...]], subject: str, group: Group) -> None:
        old = table.get(subject)
        if old is None:
            table[subject] = group
        elif isinstance(old, Group):
            table[subject] = (old, group)
        else:
            table[subject] = (*old, group)

    def _remove(self, table: dict[str, Group | tuple[Group, ...]], subject: str, group: Group) -> None:
        old = table.get(subject)
        if old is None:
            return
        if isinstance(old, Group):
            if old is group:
                del table[subject]
            return
        rest = list(old)
        if group in rest:
            rest.remove(group)
        if not rest:
            del table[subject]
        else:
            table[subject] = rest[0] if len(rest) == 1 else tuple(rest)

    def apply(self, change: Mapping[str, Any]) -> None:
        """Apply one feed change (``op`` start or end; a ``refresh``, new fingerprints for the
        copies' bank, changes no visibility); changes must come in cursor order."""
        with self._lock:
            cursor = int(change["cursor"])
            if cursor <= self.cursor:
                return  # already applied: a reconnecting reader may see it twice
            table = self._table(change["subject_kind"])
            group = self._group(change["scope"], change["notice_kind"], change.get("ends_at"))
            if change["op"] == "start":
                self._add(table, change["subject_id"], group)
            elif change["op"] == "end":
                self._remove(table, change["subject_id"], group)
            self.cursor = cursor
        with self.changed:
            self.changed.notify_all()

    def load(self, restrictions: Iterable[Mapping[str, Any]], cursor: int) -> int:
        """Replace the contents with a snapshot that is current to ``cursor``."""
        content: dict[str, Group | tuple[Group, ...]] = {}
        accounts: dict[str, Group | tuple[Group, ...]] = {}
        count = 0
        with self._lock:
            for r in restrictions:
                table = accounts if r["subject_kind"] == "account" else content
                self._add(table, r["subject_id"], self._group(r["scope"], r["notice_kind"], r.get("ends_at")))
                count += 1
            self.content, self.accounts, self.cursor = content, accounts, int(cursor)
        with self.changed:
            self.changed.notify_all()
        return count

    def wait_past(self, cursor: int, timeout: float) -> bool:
        """Block until the index has applied a change after ``cursor`` (or time runs out)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.cursor <= cursor:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True

    def __len__(self) -> int:
        return len(self.content) + len(self.accounts)

    # ------------------------------------------------------------ reading
    def is_visible(self, content_id: str, country: str | None, author_id: str | None = None) -> bool:
        """The fast path: may a viewer in ``country`` see this content?"""
        found = self.content.get(content_id)
        if author_id is None or author_id not in self.accounts:
            if found is None:
                return True
            if type(found) is Group and country is not None:
                # One restriction, no account: answer without building a verdict.
                if found.ends_at is not None and self.clock() >= found.ends_at:
                    return True
                return not (found.is_global or country in found.scope)
        return self.check(content_id, country, author_id).visible

    def check(self, content_id: str, country: str | None, author_id: str | None = None,
              now: float | None = None) -> Verdict:
        """The full answer: visible or not, where the content is withheld, and which notice applies."""
        found = self.content.get(content_id)
        by_author = self.accounts.get(author_id) if author_id is not None else None
        if found is None and by_author is None:
            return VISIBLE
        groups: list[Group] = []
        for value in (found, by_author):
            if value is None:
                continue
            if isinstance(value, Group):
                groups.append(value)
            else:
                groups.extend(value)
        now = self.clock() if now is None else now
        active = [g for g in groups if g.active(now)]
        if not active:
            return VISIBLE
        everywhere = [g for g in active if g.is_global]
        withheld: list[str] | str = "global" if everywhere else sorted({c for g in active for c in g.countries})
        if country is None:
            hidden = self.unknown_country == "fail_closed"
            chosen = everywhere[0] if everywhere else active[0]
            return Verdict(not hidden, withheld, chosen.kind if hidden else None, self.unknown_country)
        if everywhere:
            return Verdict(False, withheld, everywhere[0].kind, "country")
        for g in active:
            if country in g.scope:
                return Verdict(False, withheld, g.kind, "country")
        return Verdict(True, withheld, None, "country")

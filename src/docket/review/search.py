"""Searching the review queue: by address, content id, author, requester or reference, by
the clock (due within N hours), and the order to show it in (the queue order, or the
earliest deadline first).

Each search is a condition on ``items`` that one index answers: the address through
``ix_items_normalized_url``, a content id through ``ix_items_content_id``, an author
through the content registry's ``ix_content_author_id``, a reference or an order number
through ``ix_requests_reference`` / ``ix_requests_order_number_only`` (both engines turn the
``IN (SELECT …)`` into a join), the deadline through ``ix_items_queue_deadline``. A
requester is searched by its name among the submitters (a small table), then through
``ix_requests_submitter_id_id``. Nothing here reads
the caller's reach: ``review.service.queue`` scopes the query through docket.access first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select

from docket.content.models import Content
from docket.content.urls import InvalidURL, normalize_url
from docket.intake.models import Item, Request
from docket.parties.models import Submitter


class QueueSort(StrEnum):
    """The order the queue is shown in."""

    queue = "queue"  # the one queue order (review.service.QUEUE_ORDER)
    deadline = "deadline"  # the earliest statutory deadline first, then the item id


DEADLINE_ORDER = (Item.deadline_at, Item.id)
DEADLINE_RULE = ("Open items by their statutory deadline, the earliest (most overdue) first; "
                 "then by item number. The requester's identity is never a sort key.")


@dataclass(frozen=True)
class QueueSearch:
    """What a person searches the queue for; every field optional, all of them must hold."""

    address: str | None = None  # the content's URL, as the request gave it (normalized)
    content_id: str | None = None  # the platform's content id, exactly
    author: str | None = None  # the platform's author id, exactly
    requester: str | None = None  # part of the submitter's name, any case
    reference: str | None = None  # the request's reference, order number or case number, exactly
    due_within_hours: int | None = None  # deadline within this many hours from now (overdue included)

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) not in (None, "") for f in fields(self))

    def narrow(self, query: Select[Any], now: dt.datetime) -> Select[Any]:
        """``query`` (over items) narrowed to the items this search finds."""
        for condition in self._conditions(now):
            query = query.where(condition)
        return query

    def _conditions(self, now: dt.datetime) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.address:
            found.append(Item.normalized_url == normalize_url(self.address.strip()))
        if self.content_id:
            found.append(Item.content_id == self.content_id.strip())
        if self.author:
            found.append(Item.content_id.in_(select(Content.id).where(Content.author_id == self.author.strip())))
        if self.requester:
            pattern = "%" + self.requester.strip().lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
            # Through the requests (ix_requests_submitter_id_id, then ix_items_request_id): the
            # items' own submitter_id is indexed only for decided items.
            found.append(Item.request_id.in_(select(Request.id).where(Request.submitter_id.in_(
                select(Submitter.id).where(func.lower(Submitter.name).like(pattern))))))
        if self.reference:
            ref = self.reference.strip()
            found.append(Item.request_id.in_(select(Request.id).where(
                or_(Request.reference == ref, Request.order_number == ref, Request.case_number == ref))))
        if self.due_within_hours is not None:
            found.append(Item.deadline_at <= now + dt.timedelta(hours=self.due_within_hours))
        return found

    def as_params(self) -> dict[str, str]:
        """The search as query parameters (the API's and the console's names)."""
        found = {f.name: str(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name) not in (None, "")}
        if "due_within_hours" in found:
            found["due_within"] = found.pop("due_within_hours")
        return found


# The query parameters of a search (API and console alike), and the longest value each takes.
PARAMS = {"address": 2048, "content_id": 200, "author": 200, "requester": 200, "reference": 200,
          "due_within": 4, "sort": 10}


def parse(params: Mapping[str, str | None]) -> tuple[QueueSearch, QueueSort, dict[str, str]]:
    """A search and an order from query parameters; also what is wrong with them, by field
    (the API answers 422 with these, the console shows them beside the fields)."""
    raw = {k: str(params.get(k) or "").strip() for k in PARAMS}
    errors: dict[str, str] = {}
    for name, longest in PARAMS.items():
        if len(raw[name]) > longest:
            errors[name] = f"at most {longest} characters"
    if raw["address"] and "address" not in errors:
        try:
            normalize_url(raw["address"])
        except InvalidURL:
            errors["address"] = "an http(s) address with a host, as in https://social.example/@user/1"
    hours: int | None = None
    if raw["due_within"]:
        if raw["due_within"].isdigit() and 1 <= int(raw["due_within"]) <= 720:
            hours = int(raw["due_within"])
        else:
            errors["due_within"] = "a number of hours from 1 to 720"
    sort = QueueSort.queue
    if raw["sort"]:
        if raw["sort"] in QueueSort.__members__:
            sort = QueueSort(raw["sort"])
        else:
            errors["sort"] = "queue or deadline"
    search = QueueSearch(address=raw["address"] or None, content_id=raw["content_id"] or None,
                         author=raw["author"] or None, requester=raw["requester"] or None,
                         reference=raw["reference"] or None, due_within_hours=hours)
    return search, sort, errors

"""Sending exports to outside databases: the DSA Transparency Database and Lumen.

Every send retries on 429 (waiting as long as ``Retry-After`` says) and on 5xx or a
broken connection (waiting 1, 2, 4… times ``backoff`` seconds), up to ``attempts``
tries. What a target accepted is recorded in ``export_receipts`` in its own committed
transaction right after the answer, so an interrupted run (Ctrl-C, a crash, a target
that stays down) loses nothing: the next run skips every key already accepted and sends
the rest. A second complete run sends nothing.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from docket import store
from docket.documents.storage import Blobs
from docket.store import utcnow
from docket.transparency import dsa, lumen
from docket.transparency.exports import accepted_keys, record_accepted
from docket.transparency.periods import Period

TIMEOUT = httpx.Timeout(60.0, connect=10.0)


class SendFailed(Exception):
    """The target refused or stayed unavailable; what it accepted before is recorded."""


class InvalidStatement(SendFailed):
    """A statement failed the Transparency Database's field rules; nothing of it was sent."""


@dataclass(frozen=True)
class Retry:
    attempts: int = 8
    backoff: float = 1.0  # the first wait; doubled after each failure
    max_wait: float = 300.0  # no single wait is longer, whatever Retry-After says


@dataclass
class Outcome:
    """What one run did."""

    sent: int = 0  # accepted by the target in this run
    skipped: int = 0  # accepted in an earlier run
    requests: int = 0  # HTTP requests that got an answer, retries included
    retries: int = 0
    already_there: list[str] = field(default_factory=list)  # keys the target knew (a lost answer)


def retry_after(response: httpx.Response, now: Callable[[], dt.datetime] = utcnow) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), if any."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now()).total_seconds())


def post(client: httpx.Client, url: str, *, body: Any, headers: dict[str, str], retry: Retry,
         outcome: Outcome, sleep: Callable[[float], None] = time.sleep) -> httpx.Response:
    """POST ``body`` as JSON; retry 429, 5xx and broken connections; return any other answer."""
    for attempt in range(1, retry.attempts + 1):
        wait = retry.backoff * 2 ** (attempt - 1)
        try:
            response = client.post(url, json=body, headers=headers)
        except httpx.TransportError as exc:
            problem = f"{type(exc).__name__}: {exc}"
        else:
            outcome.requests += 1
            if response.status_code != 429 and response.status_code < 500:
                return response
            problem = f"HTTP {response.status_code}: {response.text[:300]}"
            if response.status_code == 429:
                wait = retry_after(response) if retry_after(response) is not None else wait
        if attempt == retry.attempts:
            raise SendFailed(f"{url} did not accept after {attempt} tries; last answer {problem}")
        outcome.retries += 1
        sleep(min(wait, retry.max_wait))
    raise AssertionError("unreachable")


def _record(factory: sessionmaker[Session], export: str, target: str, accepted: list[tuple[str, str | None]]) -> None:
    with store.transaction(factory) as session:
        record_accepted(session=session, export=export, target=target, accepted=accepted, now=utcnow())


# ---------------------------------------------------------------- DSA
def checked(statements: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The statements, each checked by :func:`dsa.validate` (InvalidStatement on the first bad one)."""
    for s in statements:
        problems = dsa.validate(s)
        if problems:
            detail = "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(problems.items()))
            raise InvalidStatement(f"statement {s.get('puid')} breaks the Transparency Database's rules: {detail}")
        yield s


def _known(response: httpx.Response, batch: list[dict[str, Any]]) -> list[str] | None:
    """The puids of ``batch`` the database refused only because it has them already (it
    stored them before and its answer was lost); None when it refused anything else.

    The batch endpoint answers ``{"errors": {"puid": [...], "existing_puids": [...]}}``
    (its ``PuidNotUniqueMultipleException``); the single-statement one
    ``{"errors": {"puid": [...]}, "existing": {"puid": ...}}``. It raises the same
    exception for a puid repeated within the call, which docket never sends
    (:func:`dsa.batch_problems`), so every puid it names is one it already holds."""
    try:
        answer = response.json()
        errors = answer.get("errors") or {}
        existing = errors.get("existing_puids")
        if existing is None and isinstance(answer.get("existing"), dict):
            existing = [answer["existing"].get("puid")]
    except (ValueError, AttributeError):
        return None
    if not isinstance(errors, dict) or set(errors) - {"puid", "existing_puids"} or not isinstance(existing, list):
        return None
    ours = {s["puid"] for s in batch}
    known = [p for p in existing if isinstance(p, str)]
    if not known or len(known) != len(existing) or not set(known) <= ours:
        return None  # a puid we did not send: not an answer to this batch
    return sorted(set(known))


def submit_dsa(*, factory: sessionmaker[Session], url: str, token: str, period: Period | None, prefix: str,
               retry: Retry, progress: Callable[[int], None] | None = None,
               sleep: Callable[[float], None] = time.sleep) -> Outcome:
    """Post the period's statements to the batch endpoint ``url`` (``…/api/v1/statements``)
    in batches of at most 100, skipping every puid ``url`` accepted before."""
    outcome = Outcome()
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    with store.transaction(factory) as reader, httpx.Client(timeout=TIMEOUT) as client:
        store.begin_readonly(reader)
        done = accepted_keys(session=reader, export="dsa", target=url)
        fresh = []
        for s in checked(dsa.statements(session=reader, period=period, prefix=prefix)):
            if s["puid"] in done:
                outcome.skipped += 1
                if progress:
                    progress(1)
            else:
                fresh.append(s)
            if len(fresh) == dsa.BATCH:
                _send_dsa(factory, client, url, headers, fresh, retry, outcome, progress, sleep)
                fresh = []
        if fresh:
            _send_dsa(factory, client, url, headers, fresh, retry, outcome, progress, sleep)
    return outcome


def _send_dsa(factory: sessionmaker[Session], client: httpx.Client, url: str, headers: dict[str, str],
              batch: list[dict[str, Any]], retry: Retry, outcome: Outcome,
              progress: Callable[[int], None] | None, sleep: Callable[[float], None]) -> None:
    problems = dsa.batch_problems(batch)
    if problems:  # never happens with docket's own statements; the database would refuse it whole
        raise InvalidStatement(f"a batch breaks the Transparency Database's rules: {'; '.join(problems)}")
    while batch:
        response = post(client, url, body={"statements": batch}, headers=headers, retry=retry, outcome=outcome,
                        sleep=sleep)
        if response.status_code in (200, 201):
            _record(factory, "dsa", url, [(s["puid"], _uuid(response, i)) for i, s in enumerate(batch)])
            outcome.sent += len(batch)
            if progress:
                progress(len(batch))
            return
        known = _known(response, batch) if response.status_code == 422 else None
        if known is None:
            raise SendFailed(f"{url} refused a batch of {len(batch)} statements (first {batch[0]['puid']}): "
                             f"HTTP {response.status_code} {response.text[:1000]}")
        # The whole batch was refused (all or nothing); the known ones are accepted already.
        _record(factory, "dsa", url, [(puid, None) for puid in known])
        outcome.already_there += known
        if progress:
            progress(len(known))
        batch = [s for s in batch if s["puid"] not in set(known)]


def _uuid(response: httpx.Response, index: int) -> str | None:
    """The database's own id for the statement at ``index`` of the batch, when it says."""
    try:
        listed = response.json().get("statements")
        return str(listed[index].get("uuid")) if listed and listed[index].get("uuid") else None
    except (ValueError, AttributeError, IndexError, TypeError):
        return None


# ---------------------------------------------------------------- Lumen
def submit_lumen(*, factory: sessionmaker[Session], url: str, token: str, period: Period | None, platform: str,
                 blobs: Blobs, retry: Retry, progress: Callable[[int], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> Outcome:
    """Post each of the period's notices to ``url`` (Lumen's ``…/notices``), with their
    documents (``blobs`` holds their content), one at a time, skipping every request
    ``url`` accepted before. A refusal (Lumen's 422 for a file among them too) stops the
    run with Lumen's answer; what was accepted before it stays recorded."""
    outcome = Outcome()
    headers = {"X-Authentication-Token": token, "Accept": "application/json"}
    with store.transaction(factory) as reader, httpx.Client(timeout=TIMEOUT) as client:
        store.begin_readonly(reader)
        done = accepted_keys(session=reader, export="lumen", target=url)
        for key, body in lumen.notices(session=reader, platform=platform, blobs=blobs, period=period):
            if key in done:
                outcome.skipped += 1
            else:
                response = post(client, url, body=body, headers=headers, retry=retry, outcome=outcome, sleep=sleep)
                if response.status_code not in (200, 201):
                    raise SendFailed(f"{url} refused the notice of {key}: HTTP {response.status_code} "
                                     f"{response.text[:1000]}")
                _record(factory, "lumen", url, [(key, response.headers.get("location"))])
                outcome.sent += 1
            if progress:
                progress(1)
    return outcome

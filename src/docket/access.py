"""Who reaches which records: the one place every query for a request, an item, a
decision, an appeal, a report, a hold or a document is scoped to its caller.

Routes check the *kind* of caller first (``parties.auth.require``: a 401 without a
token, a 403 when no role of the caller may use the route at all — the same answer
whether a record exists or not). Then every record a route loads or lists goes through
:func:`scoped` or :func:`visible` here, so a record outside the caller's reach is a 404,
exactly as if it did not exist, and a list holds only records within reach:

- a submitter (an organisation's token, or a person of that organisation) reaches the
  records of its own requests;
- staff reach records in the jurisdictions their roles cover: reviewers, legal and
  human-rights reviewers, auditors and administrators all of them; a local
  representative only its own countries;
- to *act* on a record (review, decide, approve, decide an appeal) only the reviewing
  roles count: a local representative who is also an auditor reads everything but acts
  only for its countries;
- a document in the inbox (received, no request yet: it has no jurisdiction) is reached
  by staff with the ``inbox`` permission (reviewers, who take requests in) and by the
  submitter that sent it through the API; by nobody else, whatever else they read.

No rule names a submitter or a country: the same rules for everybody.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from docket.appeals.models import Appeal
from docket.documents.models import Document, InboxEntry
from docket.errors import NotFound
from docket.intake.models import Item, Report, Request
from docket.notices.models import NoticeHold, WebhookEndpoint
from docket.parties.auth import Permission, Principal
from docket.parties.models import ApiToken, Role, Submitter
from docket.review.models import Decision

# Roles that reach every jurisdiction, for reading and for acting.
GLOBAL_READERS = frozenset({Role.admin, Role.auditor, Role.reviewer, Role.lead, Role.legal, Role.rights})
GLOBAL_ACTORS = frozenset({Role.reviewer, Role.lead, Role.legal, Role.rights})
REVIEWING_ROLES = frozenset({Role.reviewer, Role.lead, Role.legal, Role.rights,
                             Role.local_representative})


class Purpose(StrEnum):
    read = "read"
    act = "act"


@dataclass(frozen=True)
class Reach:
    """The records a caller reaches: those of one submitter, or those in some
    jurisdictions (``None``: all of them), or none at all."""

    submitter_id: int | None = None
    jurisdictions: frozenset[str] | None = frozenset()

    @property
    def everything(self) -> bool:
        return self.submitter_id is None and self.jurisdictions is None

    def covers(self, *, submitter_id: int | None, jurisdiction: str) -> bool:
        if self.submitter_id is not None:
            return submitter_id == self.submitter_id
        return self.jurisdictions is None or jurisdiction in self.jurisdictions


NOTHING = Reach()
EVERYTHING = Reach(jurisdictions=None)


def reach(principal: Principal, purpose: Purpose = Purpose.read) -> Reach:
    """What ``principal`` reaches, to read records or to act on them."""
    if principal.submitter_id is not None:
        return Reach(submitter_id=principal.submitter_id) if purpose is Purpose.read else NOTHING
    if purpose is Purpose.read and not principal.can(Permission.requests_read_all):
        return NOTHING
    everywhere = GLOBAL_READERS if purpose is Purpose.read else GLOBAL_ACTORS
    if principal.roles & everywhere:
        return EVERYTHING
    if Role.local_representative in principal.roles:
        return Reach(jurisdictions=principal.jurisdictions)
    return NOTHING


def may_act(principal: Principal, *, jurisdiction: str) -> bool:
    """Whether ``principal`` may review or decide records of ``jurisdiction`` (a page shows
    its forms only then)."""
    return reach(principal, Purpose.act).covers(submitter_id=None, jurisdiction=jurisdiction)


def roles_in(principal: Principal, jurisdiction: str) -> frozenset[Role]:
    """The caller's roles that count for a record of ``jurisdiction``: a local
    representative's role counts only in its own countries."""
    if Role.local_representative in principal.roles and jurisdiction not in principal.jurisdictions:
        return principal.roles - {Role.local_representative}
    return principal.roles


# How each kind of record finds its submitter and jurisdiction: its own columns, or
# those of the item or request it belongs to (joined).
_ITEM_SCOPED = (Item.submitter_id, Item.jurisdiction)
_REQUEST_SCOPED = (Request.submitter_id, Request.jurisdiction)
_SCOPES: dict[type[Any], tuple[Any, Any, Any]] = {
    Request: (*_REQUEST_SCOPED, None),
    Item: (*_ITEM_SCOPED, None),
    Decision: (*_ITEM_SCOPED, Item.id == Decision.item_id),
    Appeal: (*_ITEM_SCOPED, Item.id == Appeal.item_id),
    Report: (*_ITEM_SCOPED, Item.id == Report.item_id),
    NoticeHold: (*_REQUEST_SCOPED, Request.id == NoticeHold.request_id),
    Document: (*_REQUEST_SCOPED, Request.id == Document.request_id),
}

T = TypeVar("T")


def scoped(query: Select[Any], principal: Principal, model: type[Any],
           purpose: Purpose = Purpose.read, *, joined: bool = False) -> Select[Any]:
    """``query`` (over ``model``) narrowed to the records ``principal`` reaches.
    ``joined``: the query joins the item or request the record belongs to already."""
    if model is Document:
        return _documents(query, principal, purpose, joined=joined)
    return narrowed(query, reach(principal, purpose), model, joined=joined)


def inbox_reach(principal: Principal) -> ColumnElement[bool]:
    """The condition for the inbox entries ``principal`` reaches: all of them with the
    ``inbox`` permission, a submitter's own (those its token sent), none otherwise."""
    if principal.can(Permission.inbox):
        return true()
    if principal.submitter_id is not None:
        return InboxEntry.submitter_id == principal.submitter_id
    return false()


def _documents(query: Select[Any], principal: Principal, purpose: Purpose, *, joined: bool) -> Select[Any]:
    """Documents: those of requests within reach, and those in the inbox (no request
    yet) that :func:`inbox_reach` allows."""
    within = reach(principal, purpose)
    filed: ColumnElement[bool] = Document.request_id.is_not(None)
    if not within.everything:
        if not joined:
            query = query.outerjoin(Request, Request.id == Document.request_id)
        if within.submitter_id is not None:
            filed = and_(filed, Request.submitter_id == within.submitter_id)
        elif within.jurisdictions:
            filed = and_(filed, Request.jurisdiction.in_(sorted(within.jurisdictions)))
        else:
            filed = false()
    received = and_(Document.request_id.is_(None), exists().where(
        InboxEntry.document_id == Document.id, inbox_reach(principal)))
    return query.where(or_(filed, received))


def narrowed(query: Select[Any], within: Reach, model: type[Any], *, joined: bool = False) -> Select[Any]:
    """``query`` (over ``model``) narrowed to the records of ``within``."""
    if within.everything:
        return query
    submitter_col, jurisdiction_col, join = _SCOPES[model]
    if join is not None and not joined:
        query = query.join(submitter_col.class_, join)
    if within.submitter_id is not None:
        return query.where(submitter_col == within.submitter_id)
    if within.jurisdictions:
        return query.where(jurisdiction_col.in_(sorted(within.jurisdictions)))
    return query.where(false())


def visible(session: Session, principal: Principal, model: type[T], record_id: int, *,
            purpose: Purpose = Purpose.read, for_update: bool = False, what: str | None = None) -> T:
    """The record if ``principal`` reaches it; a 404, as for a record that does not exist,
    otherwise."""
    query = scoped(select(model).where(model.id == record_id), principal, model, purpose)  # type: ignore[attr-defined]
    if for_update:
        query = query.with_for_update(of=model)
    found = session.execute(query).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no {what or model.__name__.lower()} {record_id}")
    return found  # type: ignore[no-any-return]


def submitter(session: Session, principal: Principal, submitter_id: int) -> Submitter:
    """Submitter ``submitter_id`` if ``principal`` may read it: that submitter itself, or
    staff who may read parties; a 404, as for one that does not exist, to anyone else."""
    reaches = principal.submitter_id == submitter_id or principal.can(Permission.parties_read)
    found = session.get(Submitter, submitter_id) if reaches else None
    if found is None:
        raise NotFound(f"no submitter {submitter_id}")
    return found


def owned(principal: Principal, model: type[Any]) -> Any:
    """The condition for ``model`` rows that belong to ``principal`` itself: its API tokens
    (a person of a submitter holds the submitter's), its webhook endpoints."""
    if model is ApiToken:
        if principal.submitter_id is not None:
            return ApiToken.submitter_id == principal.submitter_id
        return ApiToken.user_id == principal.user_id
    if model is WebhookEndpoint:
        return WebhookEndpoint.owner_id == principal.user_id
    raise TypeError(f"{model.__name__} has no owner")


def own_records(session: Session, principal: Principal, model: type[T]) -> list[T]:
    """All of ``principal``'s own records of ``model``, oldest first."""
    query = select(model).where(owned(principal, model)).order_by(model.id)  # type: ignore[attr-defined]
    return list(session.execute(query).scalars())


def own(session: Session, principal: Principal, model: type[T], record_id: int, *,
        what: str | None = None) -> T:
    """One of ``principal``'s own records (see :func:`owned`); a 404 for anyone else's."""
    query = select(model).where(model.id == record_id, owned(principal, model))  # type: ignore[attr-defined]
    found = session.execute(query).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no {what or model.__name__.lower()} {record_id}")
    return found


def jurisdiction_limit(principal: Principal, purpose: Purpose = Purpose.read) -> frozenset[str] | None:
    """The countries a staff caller reaches (None: all); for lists filtered by country."""
    found = reach(principal, purpose)
    if found.submitter_id is not None:
        return frozenset()
    return found.jurisdictions

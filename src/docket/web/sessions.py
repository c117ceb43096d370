"""Sign-in for people: passwords (argon2), server-side sessions, all audited; the
throttling of failed attempts lives in ``web.throttle``.

A browser holds a random session token in an HttpOnly cookie; the database keeps only
its SHA-256, so a stolen database does not sign anybody in. Sign-out revokes the row."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from docket import audit
from docket.parties import service as parties
from docket.parties.auth import Permission, Principal, user_principal
from docket.parties.models import Role, Submitter, User
from docket.store import utcnow
from docket.web import throttle
from docket.web.models import WebSession

SESSION_HOURS = 12
# Sessions idle this long end, whatever their expiry.
IDLE_MINUTES = 120
# Checked against when the account is unknown or has no password, so that costs the same time.
_DUMMY_HASH = parties.hash_password("not-a-real-password")


class SignInFailed(Exception):
    """Wrong e-mail or password, or a deactivated account (one message for all)."""

    def __init__(self, message: str = "the e-mail address or the password is wrong") -> None:
        super().__init__(message)
        self.message = message


def throttled_message(retry_after: int) -> str:
    """What a throttled attempt is told: the same for every account, known or not."""
    wait = (f"{retry_after} seconds" if retry_after < 120
            else f"{math.ceil(retry_after / 60)} minutes")
    return f"too many failed sign-ins from your network; try again in {wait}"


@dataclass(frozen=True)
class SignedIn:
    """A signed-in person: who they are and what they may do (the API's Principal)."""

    principal: Principal
    user_id: int
    email: str
    name: str
    session_id: int
    csrf_token: str
    submitter_name: str | None = None
    last_seen_at: dt.datetime | None = None
    language: str | None = None  # the pages' language the person chose (web.i18n)

    @property
    def is_staff(self) -> bool:
        return self.principal.is_staff

    @property
    def is_person_of_submitter(self) -> bool:
        return self.principal.submitter_id is not None

    def has_role(self, role: str) -> bool:
        return Role(role) in self.principal.roles

    def can(self, permission: str) -> bool:
        """Whether this person's roles grant an API permission ("queue:read", …)."""
        return self.principal.can(Permission(permission))


def sign_in(*, session: Session, email: str, password: str, keys: throttle.Keys,
            attempt: throttle.Admission, user_agent: str = "",
            now: dt.datetime | None = None) -> str:
    """Check the password and open a session; returns the cookie's token.

    Call after ``throttle.admit`` let ``attempt`` through. Raises SignInFailed, with one
    message for every reason; each failure and each sign-in is an audit event."""
    now = now or utcnow()
    # Only the columns needed: the same one statement whether the account exists or not
    # (the User entity would load its roles too).
    user = session.execute(select(User.id, User.password_hash, User.active)
                           .where(User.email == throttle.normal_email(email))).first()
    # One argon2 verification whatever the account (unknown, without a password,
    # deactivated): the answer takes the same time, so it tells nobody which e-mails exist.
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    right = parties.check_password(stored, password)
    if user is None or not user.password_hash or not user.active or not right:
        reason = ("unknown_email" if user is None else "no_password" if not user.password_hash
                  else "inactive" if not user.active else "wrong_password")
        # The address only as its keyed hash: failures from one address can be told apart
        # without the log keeping anybody's address.
        audit.record(session=session, actor="anonymous", action="user:sign_in_failed",
                     subject="user:unknown" if user is None else f"user:{user.id}",
                     payload={"reason": reason, "address": keys.address[:16],
                              "failures": attempt.failures, "delay": attempt.delay})
        raise SignInFailed()
    throttle.succeeded(session=session, keys=keys)
    token = secrets.token_urlsafe(32)
    row = WebSession(token_hash=parties.hash_token(token), user_id=user.id,
                     csrf_token=secrets.token_urlsafe(32), created_at=now, last_seen_at=now,
                     expires_at=now + dt.timedelta(hours=SESSION_HOURS),
                     user_agent=user_agent[:300])
    session.add(row)
    session.flush()
    audit.record(session=session, actor=f"user:{user.id}", action="user:sign_in",
                 subject=f"user:{user.id}", payload={"session": row.id})
    return token


def load(*, session: Session, token: str, now: dt.datetime | None = None) -> SignedIn | None:
    """The person a session cookie stands for, or None if it is unknown, expired or revoked."""
    now = now or utcnow()
    found = session.execute(
        select(WebSession, User).join(User)  # on the one foreign key, web_sessions.user_id
        .where(WebSession.token_hash == parties.hash_token(token),
               WebSession.revoked_at.is_(None))
    ).first()
    if found is None:
        return None
    row, user = found
    if (row.expires_at <= now or row.last_seen_at + dt.timedelta(minutes=IDLE_MINUTES) <= now
            or not user.active):
        return None
    submitter_name = None
    if user.submitter_id is not None:
        submitter = session.get(Submitter, user.submitter_id)
        if submitter is None:
            return None
        submitter_name = submitter.name
        principal = Principal(token_id=0, submitter_id=submitter.id,
                              submitter_kind=str(submitter.kind), user_id=user.id)
    else:
        principal = user_principal(session, user_id=user.id)
    return SignedIn(principal=principal, user_id=user.id, email=user.email, name=user.name,
                    session_id=row.id, csrf_token=row.csrf_token, submitter_name=submitter_name,
                    last_seen_at=row.last_seen_at, language=user.language)


def touch(*, session: Session, session_id: int, now: dt.datetime | None = None) -> None:
    """Keep an active session from idling out (called at most once a minute per session)."""
    session.execute(update(WebSession).where(WebSession.id == session_id)
                    .values(last_seen_at=now or utcnow()))


def sign_out(*, session: Session, token: str, now: dt.datetime | None = None) -> None:
    """Revoke the session a cookie stands for (nothing if it is unknown or revoked)."""
    row = session.scalar(select(WebSession).where(
        WebSession.token_hash == parties.hash_token(token), WebSession.revoked_at.is_(None)))
    if row is None:
        return
    row.revoked_at = now or utcnow()
    audit.record(session=session, actor=f"user:{row.user_id}", action="user:sign_out",
                 subject=f"user:{row.user_id}", payload={"session": row.id})

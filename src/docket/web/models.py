"""Browser sessions: server-side, revocable, stored only as a hash of the cookie."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from docket.store import Base, utcnow


class WebSession(Base):
    """One signed-in browser. The cookie carries a random token; only its SHA-256 is kept."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The per-session CSRF secret every form must echo.
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class SignInThrottle(Base):
    """Failed sign-ins counted for one key: an (address, account) pair, an address, or an
    account. Shared by every process of a deployment, as the database is.

    Keys are HMAC-SHA256 under the server's secret, so neither the addresses nor the
    e-mails people typed (sometimes a password, typed into the wrong field) are stored."""

    __tablename__ = "sign_in_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    scope: Mapped[str] = mapped_column(String(8))  # "pair", "address" or "account"
    # The account's key on "pair" and "account" rows, so an unlock finds all of them.
    account: Mapped[str | None] = mapped_column(String(64), index=True)
    # Failures (and attempts still being checked) since ``started_at``.
    failures: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[dt.datetime]
    last_at: Mapped[dt.datetime]
    blocked_until: Mapped[dt.datetime | None]

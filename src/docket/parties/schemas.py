from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints


def one_line(value: str) -> str:
    """``value`` if it has no line break or other control character: names and labels end
    up in e-mail headers and CSV cells, where a CR or LF would forge or break one."""
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value):
        raise ValueError("one line of text, without control characters")
    return value


# A person's or an organisation's name: required, one line.
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                 AfterValidator(one_line)]
# A name that may be left out (""), one line.
OptionalName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200),
                         AfterValidator(one_line)]
# An e-mail address as the API takes one (pydantic's EmailStr: the syntax and a real domain;
# no spaces, no line breaks, no special-use names such as .local or .test).
Email = EmailStr


class SubmitterCreate(BaseModel):
    """A submitter's name and contact address, as ``docket submitter add`` takes them."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Email | None = None


class PersonCreate(BaseModel):
    """A person who signs in (a staff user, or an official of a submitter)."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    name: OptionalName = ""


class SubmitterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    country: str
    email: str | None
    verified: bool
    created_at: dt.datetime


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    prefix: str
    name: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(max_length=120), AfterValidator(one_line)] = ""


class TokenCreated(TokenRead):
    token: str = Field(description="shown once; docket keeps only its hash")


class Me(BaseModel):
    actor: str
    submitter: SubmitterRead | None = None
    user_email: str | None = None
    roles: list[str] = []
    jurisdictions: list[str] = []
    permissions: list[str] = []

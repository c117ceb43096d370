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

    name: Name = Field(description="the organisation's name",
                       examples=["Ministry of Information and Social Development"])
    email: Email | None = Field(default=None, description="where acknowledgements and answers go",
                                examples=["requests@misd.example.kz"])


class PersonCreate(BaseModel):
    """A person who signs in (a staff user, or an official of a submitter)."""

    model_config = ConfigDict(extra="forbid")

    email: Email = Field(description="where the person signs in with", examples=["dana@example.org"])
    name: OptionalName = Field(default="", description="the person's name", examples=["Dana Abenova"])


class SubmitterRead(BaseModel):
    """An organisation that sends requests."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the submitter's id", examples=[1])
    name: str = Field(description="its name", examples=["Ministry of Information and Social Development"])
    kind: str = Field(description="its requester kind (catalog)", examples=["government_agency"])
    country: str = Field(description="its country", examples=["KZ"])
    email: str | None = Field(description="where acknowledgements go", examples=["requests@misd.example.kz"])
    verified: bool = Field(description="whether the platform verified who it is", examples=[True])
    created_at: dt.datetime = Field(description="when it was added", examples=["2026-12-03T17:01:40Z"])


class TokenRead(BaseModel):
    """An API token, without its secret."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the token's id", examples=[5])
    prefix: str = Field(description="its first characters, to tell tokens apart", examples=["dkt_pj75"])
    name: str = Field(description="what it is for", examples=["case system"])
    created_at: dt.datetime = Field(description="when it was made", examples=["2026-12-03T17:01:40Z"])
    revoked_at: dt.datetime | None = Field(description="when it was revoked; null while valid",
                                           examples=[None])


class TokenCreate(BaseModel):
    """A new API token for the caller's own account."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(max_length=120), AfterValidator(one_line)] = Field(
        default="", description="what it is for", examples=["case system"])


class TokenCreated(TokenRead):
    """A token just made, with its secret (shown this once)."""

    token: str = Field(description="shown once; docket keeps only its hash",
                       examples=["dkt_pj75DUhBVFE6nUSPbbbtm0O0GUwWWnZj_dGTCDSHNHw"])


class Me(BaseModel):
    """Who the token stands for, and what it may do."""

    actor: str = Field(description="how the audit log names the caller", examples=["submitter:1"])
    submitter: SubmitterRead | None = Field(default=None, description="the submitter, for a submitter's token")
    user_email: str | None = Field(default=None, description="the user's address, for a user's token",
                                   examples=["alice@docket.example"])
    roles: list[str] = Field(default=[], description="the user's roles", examples=[["reviewer"]])
    jurisdictions: list[str] = Field(default=[], description="the countries a local role is for",
                                     examples=[["KZ"]])
    permissions: list[str] = Field(default=[], description="what the caller may do",
                                   examples=[["requests:submit"]])

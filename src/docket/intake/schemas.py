"""Request bodies and answers. Public input forbids unknown fields and limits every string."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from docket.bounds import Id
from docket.content.urls import InvalidURL, is_placeholder, normalize_url, refang
from docket.documents.schemas import DocumentRead
from docket.intake.models import AuthorityKind
from docket.parties.schemas import Email, Name, OptionalName

Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]
EXPLANATION_MAX = 10_000


@functools.lru_cache(maxsize=4096)
def normalized_url(url: str) -> str:
    """:func:`normalize_url`, remembered: validation normalizes each item's URL to check it,
    and intake again to look it up (pure, so a cache is always right)."""
    return normalize_url(url)


def _check_url(value: str | None) -> str | None:
    if value is not None:
        try:
            normalized_url(value)
        except InvalidURL as exc:
            raise ValueError(str(exc)) from None
    return value


def _read_address(value: str | None) -> str | None:
    """An item's address as written: refanged (``hxxps://example[.]com`` is
    ``https://example.com``), None for a placeholder (``[redacted]``), checked."""
    if value is None or is_placeholder(value):
        return None
    return _check_url(refang(value))


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LegalBasis(_Input):
    """A law from the catalog with a provision, or a free-text citation."""

    law: str | None = Field(default=None, max_length=80, description="a law's id in the catalog "
                            "(GET /api/v1/catalog/laws)", examples=["kz-online-platforms-9"])
    provision: str | None = Field(default=None, max_length=300, description="the article or section",
                                  examples=["Art. 9(2)"])
    citation: str | None = Field(default=None, min_length=1, max_length=500,
                                 description="a law the catalog lacks, cited in full",
                                 examples=["Criminal Code of the Republic of Kazakhstan, Art. 174"])

    @model_validator(mode="after")
    def _one_of(self) -> LegalBasis:
        if not self.law and not self.citation:
            raise ValueError("give a catalog 'law' (with an optional 'provision') or a 'citation'")
        return self


class Officer(_Input):
    """The official who issued the request."""

    name: Name = Field(description="the official's name", examples=["Aigerim Sadykova"])
    title: str | None = Field(default=None, max_length=200, description="the official's position",
                              examples=["Head of the Department of Information Security"])


# An order older than this is a typo far more often than an order (and reports start in 1970).
ORDER_FIRST_DAY = dt.date(1970, 1, 1)


def _order_day(value: dt.date | None) -> dt.date | None:
    """An order's date: a real day, not after today (a day's grace for time zones)."""
    if value is not None and not ORDER_FIRST_DAY <= value <= dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1):
        raise ValueError(f"the day the order was made: from {ORDER_FIRST_DAY.isoformat()} to today")
    return value


class IssuingAuthority(_Input):
    """The authority that decided the order, when it is not the submitter that transmits
    it (a regulator sending on a court's decision)."""

    name: str = Field(min_length=1, max_length=300, description="the authority's name",
                      examples=["Landgericht Hamburg"])
    kind: AuthorityKind | None = Field(default=None, description="what kind of authority it is",
                                       examples=["court"])
    country: Country | None = Field(default=None, description="its country (ISO 3166-1 alpha-2)",
                                    examples=["DE"])

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else None


class OrderIn(_Input):
    """The order's particulars, as the order states them; every one optional."""

    issuing_authority: IssuingAuthority | None = Field(default=None, description=(
        "the authority that decided the order, when it is not the submitter"))
    number: str | None = Field(default=None, min_length=1, max_length=200, description=(
        "the order's or decision's number, as written"), examples=["324 O 112/26"])
    date: dt.date | None = Field(default=None, description="the day the order was made (YYYY-MM-DD)",
                                 examples=["2026-11-20"])
    court: str | None = Field(default=None, min_length=1, max_length=300, description="the court's name",
                              examples=["Landgericht Hamburg"])
    case_number: str | None = Field(default=None, min_length=1, max_length=200, description=(
        "the court's case number, as written (any characters)"), examples=["324 O 112/26"])
    register_entry: str | None = Field(default=None, min_length=1, max_length=200, description=(
        "the entry in a register of banned content (e.g. Roskomnadzor's), as written"),
        examples=["77-2026-11-0412"])
    deadline: str | None = Field(default=None, min_length=1, max_length=500, description=(
        "the deadline in the order's words, e.g. 'within 24 hours of receipt' (docket's clock "
        "comes from the law catalog)"), examples=["within 24 hours of receipt"])
    repeats: Id | None = Field(default=None, description="the id of an earlier request this one repeats",
                               examples=[None])

    @field_validator("date")
    @classmethod
    def _day(cls, value: dt.date | None) -> dt.date | None:
        return _order_day(value)

    def columns(self) -> dict[str, Any]:
        """The request's column values of these particulars (all of them, None where not given)."""
        authority = self.issuing_authority
        return {
            "authority_name": authority.name if authority else None,
            "authority_kind": authority.kind.value if authority and authority.kind else None,
            "authority_country": authority.country if authority else None,
            "order_number": self.number, "order_date": self.date, "court_name": self.court,
            "case_number": self.case_number, "register_entry": self.register_entry,
            "order_deadline": self.deadline, "repeats_id": self.repeats,
        }


class OrderCorrection(OrderIn):
    """Staff's correction of a request's particulars: the fields given replace the stored
    ones (null clears one); the fields left out stay as they are."""

    note: str | None = Field(default=None, max_length=2000, description="why (kept in the audit event)",
                             examples=["the case number was mistyped at intake"])

    def changes(self) -> dict[str, Any]:
        """The columns this correction sets (those whose fields were given)."""
        columns = self.columns()
        return {column: columns[column] for field in self.model_fields_set - {"note"}
                for column in _COLUMNS_OF[field]}


# Each field of the particulars, and the request's columns it sets.
_COLUMNS_OF: dict[str, tuple[str, ...]] = {
    "number": ("order_number",), "date": ("order_date",), "court": ("court_name",),
    "case_number": ("case_number",), "register_entry": ("register_entry",), "deadline": ("order_deadline",),
    "repeats": ("repeats_id",), "issuing_authority": ("authority_name", "authority_kind", "authority_country"),
}


class ItemIn(_Input):
    """One piece of content: its URL, or the platform's content id. A defanged URL
    (``hxxps://example[.]com``) is read refanged; a placeholder where the address was
    withheld (``[redacted]``) makes an unlisted item, for the reviewer."""

    url: str | None = Field(default=None, max_length=2048, description="the content's address, as seen",
                            examples=["https://social.example/@aidos_k/81724"])
    content_id: str | None = Field(default=None, min_length=1, max_length=200,
                                   description="the platform's id of the content, if known",
                                   examples=["post-81724"])
    # What the requester wrote, when it is not what ``url`` holds (refanged, or withheld).
    _given: str | None = PrivateAttr(default=None)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return _read_address(value)

    @model_validator(mode="wrap")
    @classmethod
    def _as_written(cls, data: Any, handler: ModelWrapValidatorHandler[ItemIn]) -> ItemIn:
        given = data.get("url") if isinstance(data, dict) else None
        item = handler(data)
        if isinstance(given, str) and given.strip() != (item.url or ""):
            item._given = given.strip()
        if not item.url and not item.content_id and not item.unlisted:
            raise ValueError("give a 'url' or a 'content_id'")
        return item

    @property
    def given(self) -> str | None:
        """The address as written, when it was refanged or withheld."""
        return self._given

    @property
    def unlisted(self) -> bool:
        """The address was withheld (a placeholder) and no content id was given."""
        return self._given is not None and self.url is None and not self.content_id


MEASURE_KINDS = ("restrict_content", "remove_global", "restrict_account", "disclose_data", "preserve_data")
ACCOUNT_KINDS = ("restrict_account", "disclose_data", "preserve_data")


class MeasureIn(_Input):
    """One measure the request asks for. ``restrict_content`` withholds the items where the
    request's ``requested_scope`` says (the jurisdiction by default); ``remove_global``
    removes them everywhere; ``restrict_account`` restricts the ``account`` (the platform's
    id) in the jurisdiction, or ``everywhere``; ``disclose_data`` and ``preserve_data`` (of
    the ``account``) are not this desk's: they are recorded and referred. ``fallback``: if
    the measure is not granted, at least withhold in the jurisdiction."""

    kind: Literal["restrict_content", "remove_global", "restrict_account", "disclose_data", "preserve_data"] = (
        Field(description="what is asked", examples=["restrict_account"]))
    account: str | None = Field(default=None, min_length=1, max_length=200,
                                description="the platform's id of the account, for account measures",
                                examples=["user-4411"])
    everywhere: bool = Field(default=False, description="restrict_account everywhere, not only in the "
                             "jurisdiction", examples=[False])
    fallback: bool = Field(default=False, description="if not granted, at least withhold in the "
                           "jurisdiction", examples=[False])
    note: str | None = Field(default=None, max_length=2000, description="anything the reviewer should know",
                             examples=["the account reposts the same video daily"])

    @model_validator(mode="after")
    def _fits_kind(self) -> MeasureIn:
        if self.kind in ACCOUNT_KINDS and not self.account:
            raise ValueError(f"{self.kind} names the 'account' (the platform's id)")
        if self.kind not in ACCOUNT_KINDS and self.account:
            raise ValueError(f"{self.kind} concerns the items; name an account with restrict_account")
        if self.everywhere and self.kind != "restrict_account":
            raise ValueError("'everywhere' is for restrict_account (remove_global is everywhere already)")
        wide = self.kind == "remove_global" or (self.kind == "restrict_account" and self.everywhere)
        if self.fallback and not wide:
            raise ValueError("a 'fallback' (at least withheld in the jurisdiction) belongs to a measure "
                             "asked for everywhere")
        return self


class RequestCreate(_Input):
    """A request to restrict content: where, why, under which law, and what."""

    jurisdiction: Country = Field(description="the country whose law the request invokes (ISO 3166-1 "
                                  "alpha-2)", examples=["KZ"])
    reference: str | None = Field(default=None, max_length=200, description="your own reference",
                                  examples=["MISD-2026/1400"])
    legal_basis: list[LegalBasis] = Field(default_factory=list, max_length=20,
                                          description="the laws and provisions relied on")
    reason: str = Field(min_length=1, max_length=40, description="a reason code from the catalog "
                        "(GET /api/v1/catalog/reasons)", examples=["hate_speech"])
    explanation: str | None = Field(default=None, max_length=EXPLANATION_MAX,
                                    description="why the content is unlawful",
                                    examples=["Calls for violence against an ethnic group."])
    requested_action: Literal["restrict", "remove"] = Field(
        default="restrict", description="restrict: withhold in the scope; remove: everywhere",
        examples=["restrict"])
    requested_scope: list[Country] = Field(default_factory=list, max_length=250, description=(
        "the countries to withhold in; empty: the jurisdiction"), examples=[["KZ"]])
    issuing_officer: Officer | None = Field(default=None, description="the official who issued it")
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$",
                                 description="the language to write to you in, ISO 639-1", examples=["ru"])
    confidential: bool = Field(default=False, description="ask that the request not be published "
                               "(give the basis)", examples=[False])
    confidentiality_basis: str | None = Field(default=None, max_length=2000,
                                              description="the law that makes it confidential",
                                              examples=["Art. 12 of the Law on National Security"])
    emergency: bool = Field(default=False, description="an imminent threat to life or safety "
                            "(explain it): reviewed first", examples=[False])
    emergency_explanation: str | None = Field(default=None, max_length=EXPLANATION_MAX,
                                              description="why it cannot wait",
                                              examples=["The post names a place and time for an attack."])
    bona_fide: bool = Field(default=False, description="you state the request is made in good faith "
                            "(some laws require it)", examples=[True])
    order: OrderIn | None = Field(default=None, description=(
        "the order's particulars, when the request carries an order (see docs/api.md)"))
    # Before the items, whose check reads them.
    measures: list[MeasureIn] | None = Field(default=None, max_length=50, description=(
        "what is asked; absent: one measure from requested_action and requested_scope "
        "(restrict → restrict_content, remove → remove_global)"))
    items: list[ItemIn] = Field(default_factory=list, max_length=1000, validate_default=True, description=(
        "at least one, unless the measures name what is asked (an account's restriction makes "
        "the account an item; a request for user data only has none)"))
    other_items: str | None = Field(default=None, max_length=2000, description=(
        "items the request could not list (\"all forks\", \"other copies\"): a reviewer resolves "
        "this note into items or rejects it"), examples=["every repost of this video on the platform"])

    @field_validator("jurisdiction")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    @field_validator("items")
    @classmethod
    def _something_asked(cls, value: list[ItemIn], info: ValidationInfo) -> list[ItemIn]:
        if value:
            return value
        measures = info.data.get("measures") or []
        if not measures:
            raise PydanticCustomError("too_short", "give at least one item (or the measures asked for)")
        if any(m.kind in ("restrict_content", "remove_global") for m in measures):
            raise PydanticCustomError("too_short", "restrict_content and remove_global concern the items: "
                                                   "give at least one item")
        return value

    def asked(self) -> list[MeasureIn]:
        """The measures asked for: as listed, or the one ``requested_action`` implies."""
        if self.measures:
            return self.measures
        kind: Literal["remove_global", "restrict_content"] = (
            "remove_global" if self.requested_action == "remove" else "restrict_content")
        return [MeasureIn.model_construct(kind=kind, account=None, everywhere=False, fallback=False, note=None)]

    @field_validator("requested_scope")
    @classmethod
    def _upper_all(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(v.upper() for v in value))


class ItemFix(_Input):
    """A corrected identification for the item at ``position`` (as in ``items[3].url``);
    a defanged URL is read refanged."""

    position: int = Field(ge=0, le=999, description="the item's position in the request, from 0",
                          examples=[1])
    url: str | None = Field(default=None, max_length=2048, description="the corrected address",
                            examples=["https://social.example/@aidos_k/81726"])
    content_id: str | None = Field(default=None, min_length=1, max_length=200,
                                   description="or the platform's id of the content", examples=["post-81726"])

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return None if value is None else _check_url(refang(value))

    @model_validator(mode="after")
    def _one_of(self) -> ItemFix:
        if not self.url and not self.content_id:
            raise ValueError("give a 'url' or a 'content_id'")
        return self


class ClarificationCreate(_Input):
    """What the submitter supplies in answer to a clarification request."""

    message: str | None = Field(default=None, max_length=EXPLANATION_MAX, description="a note to the "
                                "reviewer", examples=["The second link was mistyped; corrected below."])
    legal_basis: list[LegalBasis] | None = Field(default=None, max_length=20,
                                                 description="the laws relied on, if asked for")
    explanation: str | None = Field(default=None, max_length=EXPLANATION_MAX,
                                    description="why the content is unlawful, if asked for",
                                    examples=["The post calls for violence against an ethnic group."])
    issuing_officer: Officer | None = Field(default=None, description="the official, if asked for")
    confidentiality_basis: str | None = Field(default=None, max_length=2000,
                                              description="the basis for confidentiality, if asked for",
                                              examples=["Art. 12 of the Law on National Security"])
    emergency_explanation: str | None = Field(default=None, max_length=EXPLANATION_MAX,
                                              description="why it is an emergency, if asked for",
                                              examples=["The post names a place and time for an attack."])
    bona_fide: bool | None = Field(default=None, description="the good-faith statement, if asked for",
                                   examples=[True])
    items: list[ItemFix] = Field(default_factory=list, max_length=1000,
                                 description="corrected items, by position")


_ITEM_EXAMPLE: dict[str, JsonValue] = {
    "id": 56, "position": 0, "content_id": "post-81724", "url": "https://social.example/@aidos_k/81724",
    "status": "decided", "unlisted": False, "outcome": "restricted", "decided_at": "2026-12-04T09:12:00Z",
    "scope": ["KZ"], "clarification_question": "Which statement in the post do you consider a call to violence?"}


class ItemRead(BaseModel):
    """One item of a request: the content named, and where its review stands."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_ITEM_EXAMPLE]})

    id: int = Field(description="the item's id")
    position: int = Field(description="its position in the request, from 0")
    content_id: str | None = Field(description="the platform's id of the content, once known")
    url: str | None = Field(description="the address as the request gave it (refanged)")
    status: str = Field(description="where its review stands (received, policy_review, legal_review, "
                        "…, decided)")
    unlisted: bool = Field(default=False, description=(
        "the request withheld this item's address (a placeholder such as [redacted]): no url, "
        "no content id; the reviewer decides what to do with it"))
    outcome: str | None = Field(default=None, description="the decision's outcome (restricted, no_action, "
                                "…); null until decided")
    decided_at: dt.datetime | None = Field(default=None, description="when it was decided")
    scope: list[str] | None = Field(default=None, description="the countries it is withheld in, "
                                    "['*'] for everywhere")
    clarification_question: str | None = Field(default=None, description=(
        "what the legal reviewer asked the requester about this item, if anything"))


class AuthorityRead(BaseModel):
    """The authority that decided an order, as the request names it."""

    name: str = Field(description="the authority's name, as written", examples=["Landgericht Hamburg"])
    kind: str | None = Field(description=(
        "court, ministry, regulator, police, prosecutor or other; null: not given"), examples=["court"])
    country: str | None = Field(description="its country (ISO 3166-1 alpha-2); null: not given", examples=["DE"])


class OrderRead(BaseModel):
    """The particulars of the order a request carries, as the submitter gave them (each null
    when not given); docket's clock comes from the law catalog, not from these."""

    issuing_authority: AuthorityRead | None = Field(description=(
        "the authority that decided the order, when the submitter only transmits it"))
    number: str | None = Field(description="the order's or decision's number, as written",
                               examples=["324 O 112/26"])
    date: dt.date | None = Field(description="the day the order was made", examples=["2026-11-20"])
    court: str | None = Field(description="the court's name", examples=["Landgericht Hamburg"])
    case_number: str | None = Field(description="the court's case number, as written", examples=["324 O 112/26"])
    register_entry: str | None = Field(description=(
        "the entry in a register of banned content (e.g. Roskomnadzor's), as written"),
        examples=["77-2026-11-0412"])
    deadline: str | None = Field(description="the deadline in the order's words",
                                 examples=["within 24 hours of receipt"])
    repeats: int | None = Field(description="the earlier request this one repeats (set by the submitter or staff)",
                                examples=[31])
    proposed_repeats: int | None = Field(description=(
        "the submitter's earlier request with the same register entry or order number (same issuing "
        "country), which intake proposes as the one this repeats; never linked until someone sets repeats"),
        examples=[31])


class MeasureRead(BaseModel):
    """One measure a request asks for and the answer to it: the content measures answered by a
    reviewer, an account's restriction by its item's decision, a request for user data
    referred at receipt (never decided here)."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the measure's id", examples=[12])
    position: int = Field(description="its place among the request's measures, from 0", examples=[0])
    kind: str = Field(description=(
        "restrict_content (withhold the items in the scope asked), remove_global (remove them "
        "everywhere), restrict_account (a whole account), disclose_data or preserve_data (user "
        "data: referred)"), examples=["restrict_account"])
    scope: list[str] = Field(description="countries, ['*'] for everywhere, [] for a data measure",
                             examples=[["KZ"]])
    account: str | None = Field(default=None, description=(
        "the platform's id of the account (restrict_account and the data measures); null otherwise"),
        examples=["user-4411"])
    fallback: bool = Field(default=False, description=(
        "the requester accepts the lesser measure, withheld in its own country, if this one is "
        "not granted (remove_global, restrict_account everywhere)"), examples=[True])
    note: str | None = Field(default=None, description="what the requester wrote about it",
                             examples=["for six months"])
    item_position: int | None = Field(default=None, description=(
        "restrict_account: the position of the item that names the account; its decision decides the measure"),
        examples=[2])
    outcome: str | None = Field(default=None, description="granted, fallback, refused or referred; null: pending",
                                examples=["fallback"])
    explanation: str | None = Field(default=None, description="the answer the requester reads; null: pending",
                                    examples=["The account stays; its unlawful posts are withheld in Kazakhstan."])
    referral: str | None = Field(default=None, description="where a referred measure is to be sent",
                                 examples=["https://social.example/legal/law-enforcement"])
    decided_at: dt.datetime | None = Field(default=None, description="when it was answered (UTC); null: pending",
                                           examples=["2026-12-03T18:40:00Z"])


_REQUEST_EXAMPLE: dict[str, JsonValue] = {
    "id": 50, "submitter_id": 1, "channel": "api", "status": "open", "missing": [], "jurisdiction": "KZ",
    "reference": "MISD-2026/1400", "legal_basis": [{"law": "kz-online-platforms-9", "provision": "Art. 9(2)"}],
    "reason": "hate_speech", "explanation": "Calls for violence against an ethnic group.",
    "requested_action": "restrict", "requested_scope": ["KZ"], "language": "ru",
    "issuing_officer": {"name": "Aigerim Sadykova", "title": "Head of the Department of Information Security"},
    "confidential": False, "emergency": False, "art16_notice": False,
    "received_at": "2026-12-03T17:02:29.535034Z", "clock_started_at": "2026-12-03T17:02:29.535034Z",
    "deadline_at": "2026-12-04T17:02:29.535034Z",
    "clock_rule": {"hours": 24, "source": "law", "law": "kz-online-platforms-9", "emergency": False,
                   "restarts_on_clarification": True},
    "clarifications": 0, "intake_notes": [], "other_items": "every repost of this video",
    "other_items_status": "resolved", "other_items_answer": "the two reposts found were added as items",
    "measures": [], "items": [_ITEM_EXAMPLE]}


class RequestRead(BaseModel):
    """A request as docket keeps it: what was asked, its clock, and each item's status."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_REQUEST_EXAMPLE]})

    id: int = Field(description="the request's id")
    submitter_id: int = Field(description="who sent it")
    channel: str = Field(description="how it came in: api, portal, email, report")
    status: str = Field(description="open, needs_clarification, partially_decided or decided")
    missing: list[str] = Field(description="what a needs_clarification request lacks, field by field")
    jurisdiction: str = Field(description="the country whose law it invokes")
    reference: str | None = Field(description="the submitter's own reference")
    legal_basis: list[dict[str, Any]] = Field(description="the laws and provisions relied on")
    reason: str = Field(description="the reason code")
    explanation: str | None = Field(description="why the content is unlawful, as the submitter wrote")
    requested_action: str = Field(description="restrict or remove")
    requested_scope: list[str] = Field(description="the countries to withhold in")
    issuing_officer: dict[str, Any] | None = Field(description="the official who issued it")
    language: str | None = Field(description="the language to write to the submitter in")
    confidential: bool = Field(description="kept out of publications")
    emergency: bool = Field(description="reviewed first: an imminent threat")
    art16_notice: bool = Field(description="a DSA Art. 16 notice (from a user or flagger)")
    received_at: dt.datetime = Field(description="when it came in")
    clock_started_at: dt.datetime = Field(description="when its clock started (again after a "
                                          "clarification, where the law says so)")
    deadline_at: dt.datetime = Field(description="when the law's clock runs out")
    clock_rule: dict[str, Any] = Field(description="which rule set the deadline")
    clarifications: int = Field(description="how many times it was clarified")
    intake_notes: list[dict[str, Any]] = Field(default_factory=list, description=(
        "what intake read differently from what was written: each defanged address it refanged "
        "({'note': 'refanged', 'position', 'given', 'read_as'}) and each withheld one "
        "({'note': 'unlisted', 'position', 'given'}); and the earlier request proposed as the one "
        "this repeats ({'note': 'repeats', 'request', 'by': 'register_entry'|'order_number', 'given'})"))
    order: OrderRead | None = Field(default=None, description="the order's particulars, if any were given")
    other_items: str | None = Field(default=None, description="items the request could not list, as written")
    other_items_status: str | None = Field(default=None, description="pending, resolved or rejected")
    other_items_answer: str | None = Field(default=None, description="the reviewer's answer to other_items")
    measures: list[MeasureRead] = Field(default_factory=list, description="what is asked, measure by measure")
    items: list[ItemRead] = Field(description="the content named, item by item")


class RequestWithDocuments(RequestRead):
    """A request sent with documents (``multipart/form-data``), as stored: the request, and
    the documents it carries."""

    documents: list[DocumentRead] = Field(default_factory=list, description="the documents stored with it")


class RequestPage(BaseModel):
    """One page of requests, newest first."""

    requests: list[RequestRead] = Field(description="the requests on this page")
    next_cursor: str | None = Field(description="pass as cursor= for the next page; null at the end",
                                    examples=["eyJpZCI6IDQyfQ"])


class ReportIn(_Input):
    """A report about one piece of content, from a platform user or the public form. A
    defanged URL (``hxxps://example[.]com``) is read refanged, as in a request, and the
    request made of the report notes what was written."""

    content_id: str | None = Field(default=None, min_length=1, max_length=200,
                                   description="the platform's id of the content", examples=["post-81724"])
    url: str | None = Field(default=None, max_length=2048, description="or its address",
                            examples=["https://social.example/@aidos_k/81724"])
    reason: str = Field(min_length=1, max_length=40, description="a reason code from the catalog",
                        examples=["hate_speech"])
    jurisdiction: Country | None = Field(default=None, description=(
        "when the claim is 'illegal under the law of this country'; absent: the platform's rules"),
        examples=["DE"])
    explanation: str | None = Field(default=None, max_length=EXPLANATION_MAX, description="why it is "
                                    "reported", examples=["Insults a named person."])
    reporter_id: str | None = Field(default=None, min_length=1, max_length=100, description=(
        "the platform's id of the signed-in user (platform channel only)"), examples=["user-1203"])
    reporter_verified: bool = Field(default=False, description="the platform has verified this user",
                                    examples=[False])
    reporter_name: OptionalName | None = Field(default=None, description="the reporter's name (for the "
                                               "answer)", examples=["Lena Vogel"])
    reporter_email: Email | None = Field(default=None, description="where the answer goes",
                                         examples=["lena@mail.example"])
    bona_fide: bool = Field(default=False, description="the DSA Art. 16 statement of good faith",
                            examples=[True])
    # What the reporter wrote, when it is not what ``url`` holds (refanged).
    _given: str | None = PrivateAttr(default=None)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return None if value is None else _check_url(refang(value))

    @model_validator(mode="wrap")
    @classmethod
    def _as_written(cls, data: Any, handler: ModelWrapValidatorHandler[ReportIn]) -> ReportIn:
        given = data.get("url") if isinstance(data, dict) else None
        report = handler(data)
        if isinstance(given, str) and report.url is not None and given.strip() != report.url:
            report._given = given.strip()
        return report

    @property
    def given(self) -> str | None:
        """The address as written, when it was refanged."""
        return self._given

    @field_validator("jurisdiction")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else None

    @model_validator(mode="after")
    def _one_of(self) -> ReportIn:
        if not self.url and not self.content_id:
            raise ValueError("give a 'url' or a 'content_id'")
        return self


class ReportAccepted(BaseModel):
    """A report taken in: the case it joined."""

    report_id: int = Field(description="the report's id", examples=[12])
    item_id: int = Field(description="the case (item) it joined", examples=[101])
    new_case: bool = Field(description="whether it opened a new case", examples=[True])
    reference: str = Field(description="the reporter's reference for follow-up", examples=["R-22"])
    repeat: bool = Field(default=False, description=(
        "this reporter had reported this case already: nothing new was stored (200, not 201), "
        "and the reference is that first report's; a case counts each reporter once"), examples=[False])


class ReportBatch(BaseModel):
    """Up to 500 reports in one call, each as ``POST /api/v1/reports`` takes it."""

    model_config = ConfigDict(extra="forbid")

    reports: list[dict[str, Any]] = Field(min_length=1, max_length=500, description="the reports",
                                          examples=[[{"content_id": "post-81724", "reason": "hate_speech"}]])


class BatchProblem(BaseModel):
    """Why one report of a batch was refused: a problem document without its type."""

    status: int = Field(description="the HTTP status the report alone would have had (422, 403, 429, …)",
                        examples=[422])
    title: str = Field(description="what went wrong, in a phrase", examples=["invalid input"])
    detail: str | None = Field(default=None, description="what went wrong with this report",
                               examples=["give a 'url' or a 'content_id'"])
    errors: list[dict[str, str]] | None = Field(default=None, description=(
        "for invalid input: each field at fault ('field') and why ('message')"),
        examples=[[{"field": "reason", "message": "unknown reason 'spam2'"}]])


class BatchResult(BaseModel):
    """What became of one report of a batch: taken (the case it joined) or refused (why)."""

    index: int = Field(description="the report's position in the batch", examples=[0])
    status: Literal["accepted", "rejected"] = Field(description="accepted: stored (or a repeat); rejected: "
                                                    "see problem", examples=["accepted"])
    report_id: int | None = Field(default=None, description="the report's id; null when rejected",
                                  examples=[12])
    item_id: int | None = Field(default=None, description="the case (item) it joined; null when rejected",
                                examples=[101])
    new_case: bool | None = Field(default=None, description="whether it opened a new case; null when rejected",
                                  examples=[True])
    repeat: bool | None = Field(default=None, description=(
        "this reporter had reported this case already: nothing new was stored, and the report_id "
        "and reference are the first report's; null when rejected"), examples=[False])
    reference: str | None = Field(default=None, description=(
        "the reporter's reference for follow-up (R-<report_id>); null when rejected"), examples=["R-12"])
    problem: BatchProblem | None = Field(default=None, description="with status rejected")


class ReportBatchRead(BaseModel):
    """The answer to a batch of reports: one result per report, in the order sent."""

    accepted: int = Field(description="how many reports were taken", examples=[499])
    results: list[BatchResult] = Field(description="one per report, by its index in the batch")


# A reporter as reports name it: the platform's user, or the public form's sender by network.
ReporterKey = Annotated[str, Field(description=(
    "who reported: user:<the platform's user id> for the platform's signed-in users, "
    "anon:<a keyed hash of the sender's network> for the public form"), examples=["user:user-1203"])]


class SuspensionRead(BaseModel):
    """A reporter's suspension (DSA Art. 23): its reports are refused until it ends."""

    id: int = Field(description="the suspension's id", examples=[3])
    reporter_key: ReporterKey
    ends_at: dt.datetime = Field(description="when it ends (UTC)", examples=["2027-01-02T09:00:00Z"])
    reason: str = Field(description="why the reporter was suspended (recorded in the audit log)",
                        examples=["41 reports in a week, every one decided no_action."])
    unfounded_reports: int = Field(description="its reports on cases decided no_action", examples=[41])


# A trusted flagger's designation, as it is given (DesignationCreate, which adds the bounds
# of what it takes) and as it is read back.
DesignationSubmitter = Annotated[int, Field(description=(
    "the trusted flagger designated: a submitter of kind trusted_flagger"), examples=[5])]
DesignatedReasons = Annotated[list[str], Field(description=(
    "the reason codes it is designated for (GET /api/v1/catalog/reasons)"),
    examples=[["hate_speech", "terrorist_content"]])]
DesignatedJurisdictions = Annotated[list[str], Field(description=(
    "the countries it is designated in (ISO 3166-1 alpha-2)"), examples=[["DE"]])]
DesignatingBody = Annotated[str, Field(description="who designated it (the Digital Services Coordinator)",
                                       examples=["Bundesnetzagentur"])]
DesignationStart = Annotated[dt.datetime, Field(description="when the designation starts (with a time zone)",
                                                examples=["2026-01-01T00:00:00Z"])]
DesignationEnd = Annotated[dt.datetime | None, Field(description=(
    "when it ends (with a time zone; after valid_from); null: until revoked"), examples=["2028-12-31T23:59:59Z"])]


class DesignationCreated(BaseModel):
    """A designation just recorded (audited as designation:added)."""

    id: int = Field(description="the designation's id", examples=[4])
    submitter_id: DesignationSubmitter
    reasons: DesignatedReasons
    jurisdictions: DesignatedJurisdictions


class DesignationRead(DesignationCreated):
    """A trusted flagger's designation (DSA Art. 22): within it the flagger's reports lead the
    queue among items of the same severity and deadline; outside it, it is an ordinary reporter."""

    designating_body: DesignatingBody
    valid_from: DesignationStart
    valid_to: DesignationEnd


class ReportRead(BaseModel):
    """One report that makes up a case, with who sent it. Staff only."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the report's id", examples=[12])
    item_id: int = Field(description="the case (item) it joined", examples=[101])
    channel: str = Field(description="api (the platform, for a signed-in user) or form (the public form)",
                         examples=["api"])
    reporter_key: ReporterKey
    reason: str = Field(description="the reason code given (GET /api/v1/catalog/reasons)", examples=["hate_speech"])
    jurisdiction: str | None = Field(description=(
        "the country whose law the content breaks, as the reporter claims; null: the platform's rules"),
        examples=["DE"])
    explanation: str | None = Field(description="why it is reported, as the reporter wrote",
                                    examples=["Insults a named person."])
    art16_notice: bool = Field(description=(
        "it carries the DSA Art. 16 elements (explanation, name, e-mail, good-faith statement)"),
        examples=[True])
    received_at: dt.datetime = Field(description="when it came in (UTC)", examples=["2026-12-03T17:05:11Z"])

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, JsonValue

_JURISDICTION: dict[str, JsonValue] = {
    "code": "KZ", "name": "Kazakhstan", "default_clock_hours": 24, "emergency_clock_hours": 24,
    "local_rep_signoff": True,
    "local_rep_title": "Legal representative registered with the Ministry of Information and Social Development"}
_LAW: dict[str, JsonValue] = {
    "id": "kz-informatization-18-2", "applies_in": "KZ",
    "citation": "Law of the Republic of Kazakhstan on Informatization, Art. 18-2",
    "title": "Obligations of owners of online platforms with more than 100,000 daily users",
    "clock_hours": 24, "emergency_clock_hours": 24, "clock_basis": "24 hours after the order",
    "clock_restarts_on_clarification": True, "local_rep_signoff": True, "active": True,
    "official_url": "https://adilet.zan.kz/rus/docs/Z1500000418",
    "excerpt": "Gist (English, not a quotation): the owner of an online platform … removes information the "
               "authorised body orders removed within 24 hours of the order.",
    "clock_stated": True, "clock": "24 h (24 hours after the order)"}


class JurisdictionRead(BaseModel):
    """A country or region, with its statutory clock and whether a local representative signs off."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_JURISDICTION]})

    code: str = Field(description="ISO 3166-1 alpha-2, or a region's code")
    name: str = Field(description="its name in English")
    default_clock_hours: int | None = Field(description="hours to decide when its law names none")
    emergency_clock_hours: int | None = Field(description="hours to decide an emergency")
    local_rep_signoff: bool = Field(description="whether its local representative signs off restrictions")
    local_rep_title: str | None = Field(description="what that representative is called there")


class LawRead(BaseModel):
    """A law in the catalog that requests may invoke, with its clock."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_LAW]})

    id: str = Field(description="the law's id, as requests cite it")
    applies_in: str = Field(description="the jurisdiction it applies in")
    citation: str = Field(description="its citation")
    title: str = Field(description="what it is about")
    clock_hours: int | None = Field(description="hours to decide, as the law states")
    emergency_clock_hours: int | None = Field(description="hours to decide an emergency")
    clock_basis: str | None = Field(description="the law's words for the clock")
    clock_restarts_on_clarification: bool = Field(description="whether a clarification starts the clock again")
    local_rep_signoff: bool = Field(description="whether the local representative signs off")
    automated_copies: bool = Field(default=False, description=(
        "whether copies of content restricted under it are decided at once, as automated decisions"),
        examples=[False])
    active: bool = Field(description="whether it is in force")
    official_url: str | None = Field(description="the official text")
    excerpt: str | None = Field(description="its gist, for reviewers")
    # False: the law names no clock, and the jurisdiction's default applies (``clock`` says so).
    clock_stated: bool = Field(description="false: the law names no clock, the jurisdiction's default applies")
    clock: str = Field(description="the clock that applies, in words")


class ReasonRead(BaseModel):
    """A reason a request or report may give."""

    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="the code requests use", examples=["hate_speech"])
    label: str = Field(description="its name", examples=["Hate speech"])
    google_label: str = Field(description="the matching reason in Google's transparency report",
                              examples=["Hate speech"])
    severity: int = Field(description="the queue's severity class (1 first)", examples=[2])


class KindPlaceRead(BaseModel):
    """A requester kind's place in every report: a government or not, and whether its
    requests must cite a legal basis (an authority's request) or carry a notice's elements."""

    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="the requester kind's code", examples=["government_agency"])
    label: str = Field(description="its name", examples=["Government agency"])
    government: bool = Field(description="whether reports count it as a government", examples=[True])
    legal_basis_required: bool = Field(description="whether its requests must cite a legal basis",
                                       examples=[True])


class KindPlaceUpdate(BaseModel):
    """What to change of a requester kind's place; what is left out stays."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    government: bool | None = Field(default=None, description="whether reports count it as a government",
                                    examples=[True])
    legal_basis_required: bool | None = Field(default=None, description="whether its requests must cite "
                                              "a legal basis", examples=[True])
    label: str | None = Field(default=None, min_length=1, max_length=120, description="its name",
                              examples=["National CERT"])

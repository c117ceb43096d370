"""What the matching routes take and answer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
_PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGM4IScHAAK2AQU0pnWqAAAAAElFTkSuQmCC"
MAX_MATCH_BATCH = 1000


class MatchQuery(BaseModel):
    """One piece of content to check against the restricted bank: an image, its PDQ hash, or text."""

    model_config = ConfigDict(extra="forbid")

    image: str | None = Field(default=None, max_length=3 * 1024 * 1024, description=(
        "the image's bytes, base64 (PNG, JPEG, WebP, GIF or BMP, at most 2 MiB; its type is read from the "
        "bytes): docket computes its SHA-256 and PDQ hash, and keeps neither"), examples=[_PNG_1PX])
    pdq: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$", description=(
        "the image's PDQ hash, 64 hexadecimal digits, when the platform computed it"), examples=[_PDQ])
    pdq_quality: int | None = Field(default=None, ge=0, le=100, description=(
        "the PDQ hash's quality (0-100); below DOCKET_MATCH_PDQ_QUALITY (50) it is not matched; "
        "left out, the hash is taken as good"), examples=[90])
    text: str | None = Field(default=None, max_length=100_000, description=(
        "the text: matched by its normalised form exactly and by estimated Jaccard similarity"),
        examples=["Everyone come to the square tonight."])
    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$", description=(
        "the viewer's or uploader's country, ISO 3166-1 alpha-2: each match says whether its restriction "
        "applies there"), examples=["KZ"])

    @model_validator(mode="after")
    def _one(self) -> MatchQuery:
        if self.image is None and self.pdq is None and self.text is None:
            raise ValueError("give an image, a pdq hash or text")
        if self.image is not None and self.pdq is not None:
            raise ValueError("give an image or its pdq hash, not both")
        return self


class MatchRead(BaseModel):
    """A banked fingerprint near the one asked about."""

    kind: Literal["sha256", "pdq", "text_sha256", "minhash"] = Field(
        description="which fingerprint matched: the media's SHA-256, PDQ, the normalised text's SHA-256, or "
                    "its MinHash signature", examples=["pdq"])
    exact: bool = Field(description="whether it is an exact hash's match", examples=[False])
    distance: int | None = Field(description="PDQ: the Hamming distance (0-256); null otherwise", examples=[6])
    similarity: float | None = Field(description="text: the estimated Jaccard similarity (0-1); null otherwise",
                                     examples=[None])
    content_id: str = Field(description="the restricted content it is a copy of", examples=["post-9"])
    decision_id: int = Field(description="the decision that restricted it", examples=[41])
    restriction_id: int = Field(description="the restriction in force", examples=[17])
    scope: list[str] | Literal["global"] = Field(description="where the restriction applies: countries, or "
                                                 "global", examples=[["KZ"]])
    applies: bool | None = Field(description="whether the restriction applies in the country asked about; "
                                 "null when no country was given", examples=[True])


class MatchResult(BaseModel):
    """What matched one query (nothing restricted by it: a match is for the platform to act on)."""

    matches: list[MatchRead] = Field(description="the matches, nearest first; one per restriction and "
                                     "medium", examples=[[]])
    pdq_quality: int | None = Field(default=None, description="the quality of the PDQ hash docket computed "
                                    "from the image (null without an image)", examples=[94])
    ignored: list[str] = Field(default_factory=list, description="fingerprints not matched, and why",
                               examples=[["pdq: quality 31 is below 50"]])


class BatchEntry(BaseModel):
    """One fingerprint of a batch: exactly one of pdq, sha256 and text."""

    model_config = ConfigDict(extra="forbid")

    pdq: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$", description="a PDQ hash, 64 hex digits",
                            examples=[_PDQ])
    pdq_quality: int | None = Field(default=None, ge=0, le=100, description="the PDQ hash's quality (0-100)",
                                    examples=[90])
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$",
                               description="the SHA-256 of the media, hex",
                               examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])
    text: str | None = Field(default=None, max_length=20_000, description="a text",
                             examples=["Everyone come to the square tonight."])

    @model_validator(mode="after")
    def _exactly_one(self) -> BatchEntry:
        if sum(v is not None for v in (self.pdq, self.sha256, self.text)) != 1:
            raise ValueError("exactly one of pdq, sha256 and text")
        return self


class MatchBatch(BaseModel):
    """Up to 1,000 fingerprints to check at once."""

    model_config = ConfigDict(extra="forbid")

    fingerprints: list[BatchEntry] = Field(min_length=1, max_length=MAX_MATCH_BATCH, description=(
        "the fingerprints, each matched alone"), examples=[[{"pdq": _PDQ}]])
    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$", description=(
        "the viewer's or uploader's country, ISO 3166-1 alpha-2"), examples=["DE"])


class MatchBatchRead(BaseModel):
    """A result per fingerprint, in order."""

    results: list[MatchResult] = Field(description="one per fingerprint asked about, in order", examples=[[]])


class BankEntryRead(BaseModel):
    """One fingerprint of restricted content, with its restriction (what the replica banks)."""

    restriction_id: int = Field(description="the restriction", examples=[17])
    decision_id: int = Field(description="its decision", examples=[41])
    content_id: str = Field(description="the restricted content", examples=["post-9"])
    scope: list[str] = Field(description="ISO codes, or ['*'] for everywhere", examples=[["KZ"]])
    ends_at: str | None = Field(description="when the restriction ends; null: indefinitely", examples=[None])
    kind: str = Field(description="sha256, pdq, text_sha256 or minhash", examples=["pdq"])
    value: str = Field(description="the fingerprint, hex", examples=[_PDQ])
    quality: int | None = Field(description="PDQ's quality", examples=[90])


class BankPage(BaseModel):
    """The fingerprints of the restrictions asked for."""

    entries: list[BankEntryRead] = Field(description="the entries, by restriction", examples=[[]])


class CopyRejection(BaseModel):
    """Why what was matched is not a copy."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=5000, description="why it is not a copy (kept in the log)",
                        examples=["A different photo of the same square; no banner."])

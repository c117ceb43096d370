"""Import every ORM model so that metadata (and Alembic) sees all tables."""

from docket.appeals.models import Appeal
from docket.audit.log_models import LogCheckpoint, LogHash, LogLeaf
from docket.audit.models import ChainHead, Event
from docket.catalog.models import Jurisdiction, Law, Reason, RegionMember
from docket.content.models import Content, ContentFingerprint
from docket.documents.models import Blob, Document, InboxDraft, InboxEntry, InboxExtraction
from docket.enforcement.models import Restriction, RestrictionChange
from docket.intake.models import (
    Designation,
    IdempotencyKey,
    Item,
    Report,
    ReporterSuspension,
    Request,
)
from docket.matching.models import ContentMatch, CopyScan
from docket.notices.models import NoticeHold, WebhookEndpoint
from docket.outbox.models import OutboxMessage
from docket.parties.models import ApiToken, Submitter, User, UserRole
from docket.review.models import Decision, Review
from docket.store import Base
from docket.transparency.models import ExportReceipt, TransparencySnapshot
from docket.web.models import WebSession

__all__ = [
    "Designation", "Report", "ReporterSuspension",
    "Appeal", "NoticeHold", "OutboxMessage", "WebhookEndpoint",
    "ApiToken", "Base", "ChainHead", "Content", "Event", "IdempotencyKey", "Item", "Jurisdiction",
    "Law", "Reason", "RegionMember", "Request", "Restriction", "RestrictionChange", "Decision", "Review",
    "Submitter", "User", "UserRole",
    "ExportReceipt", "TransparencySnapshot", "WebSession", "LogCheckpoint", "LogHash", "LogLeaf", "Blob", "Document",
    "InboxDraft", "InboxEntry", "InboxExtraction", "ContentFingerprint", "ContentMatch", "CopyScan",
]

"""Import every ORM model so that metadata (and Alembic) sees all tables."""

from docket.audit.models import ChainHead, Event
from docket.catalog.models import Jurisdiction, Law, Reason, RegionMember
from docket.db import Base
from docket.parties.models import ApiToken, Submitter, User, UserRole

__all__ = [
    "ApiToken", "Base", "ChainHead", "Event", "Jurisdiction", "Law", "Reason",
    "RegionMember", "Submitter", "User", "UserRole",
]

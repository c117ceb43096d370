"""The demo's saved queue views: a few for each demo reviewer, as a desk would keep them
(called with one line from docket.demo, after the demo's people and cases)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from docket.parties import service as parties
from docket.parties.auth import Principal
from docket.parties.models import Role
from docket.review import views

VIEWS = {
    "alice@docket.example": [("Overdue", {"overdue": "yes"}),
                             ("Due within 24 hours", {"due_within": "24", "sort": "deadline"}),
                             ("My claims", {"assigned": "me"})],
    "bob@docket.example": [("Legal review — Kazakhstan", {"status": "legal_review", "jurisdiction": "KZ"}),
                           ("German court orders", {"requester": "Landgericht", "sort": "deadline"})],
    "carol@docket.example": [("Human-rights review", {"status": "rights_review"}),
                             ("Government criticism", {"reason": "government_criticism"})],
}


def load(session: Session) -> None:
    """Save the demo reviewers' views (each audited like a person's own)."""
    for email, wanted in VIEWS.items():
        user = parties.get_user_by_email(session=session, email=email)
        if user is None:
            continue
        principal = Principal(token_id=0, user_id=user.id, roles=frozenset(Role(r.role) for r in user.roles),
                              jurisdictions=frozenset(r.jurisdiction for r in user.roles if r.jurisdiction))
        for name, params in wanted:
            views.save(session=session, principal=principal, name=name, params=params)

"""Who am I, submitters, and a caller's own API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from docket import access
from docket.bounds import Id
from docket.deps import Db
from docket.parties import service
from docket.parties.auth import CurrentPrincipal
from docket.parties.models import ApiToken, User
from docket.parties.schemas import Me, SubmitterRead, TokenCreate, TokenCreated, TokenRead

router = APIRouter(prefix="/api/v1", tags=["parties"])


@router.get("/me", response_model=Me)
def me(db: Db, principal: CurrentPrincipal) -> Me:
    """The caller's identity and permissions. Who: any valid token."""
    out = Me(actor=principal.actor, permissions=sorted(p.value for p in principal.permissions))
    if principal.submitter_id is not None:
        submitter = service.get_submitter(session=db, submitter_id=principal.submitter_id)
        out.submitter = SubmitterRead.model_validate(submitter)
    else:
        user = db.get(User, principal.user_id)
        out.user_email = user.email if user else None
        out.roles = sorted(r.value for r in principal.roles)
        out.jurisdictions = sorted(principal.jurisdictions)
    return out


@router.get("/submitters/{submitter_id}", response_model=SubmitterRead)
def get_submitter(submitter_id: Id, db: Db, principal: CurrentPrincipal) -> SubmitterRead:
    """One submitter. Who: that submitter itself, or staff who may read parties; 404 to anyone else."""
    return SubmitterRead.model_validate(access.submitter(db, principal, submitter_id))


@router.get("/tokens", response_model=list[TokenRead])
def list_tokens(db: Db, principal: CurrentPrincipal) -> list[TokenRead]:
    """The caller's own tokens (never their values). Who: any valid token."""
    return [TokenRead.model_validate(t) for t in access.own_records(db, principal, ApiToken)]


@router.post("/tokens", response_model=TokenCreated, status_code=status.HTTP_201_CREATED)
def create_token(body: TokenCreate, db: Db, principal: CurrentPrincipal) -> TokenCreated:
    """Make another token for the caller's own account; its value is shown once. Who: any valid token."""
    if principal.submitter_id is not None:
        submitter = service.get_submitter(session=db, submitter_id=principal.submitter_id)
        token, plain = service.create_token(session=db, actor=principal.actor, name=body.name,
                                            submitter=submitter)
    else:
        token, plain = service.create_token(session=db, actor=principal.actor, name=body.name,
                                            user=db.get(User, principal.user_id))
    return TokenCreated(**TokenRead.model_validate(token).model_dump(), token=plain)


@router.delete("/tokens/{token_id}", response_model=TokenRead)
def revoke_token(token_id: Id, request: Request, db: Db, principal: CurrentPrincipal) -> TokenRead:
    """Revoke one of the caller's own tokens; this application refuses it from the next call
    on (others within ``DOCKET_TOKEN_CACHE_SECONDS``). Who: its owner; anyone else gets a 404."""
    access.own(db, principal, ApiToken, token_id, what="token")
    token = service.revoke_token(session=db, actor=principal.actor, token_id=token_id)
    request.app.state.principal_cache.forget_when_committed(db, token.token_hash)
    return TokenRead.model_validate(token)

"""The web application: the JSON API under /api/v1 and the server-rendered pages."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.engine import Engine

from docket import __version__, errors, openapi
from docket.appeals import pages as appeals_pages
from docket.appeals import queue_pages as appeals_queue
from docket.appeals.api import router as appeals_router
from docket.audit import pages as audit_pages
from docket.audit.api import router as audit_router
from docket.audit.log_api import LogLane
from docket.audit.log_api import router as log_router
from docket.audit.log_mirror import LogMirror
from docket.audit.log_service import KeyFileError, load_signer
from docket.audit.receipt_api import router as receipts_router
from docket.catalog import pages as catalog_pages
from docket.catalog.api import router as catalog_router
from docket.clock import SYSTEM, Clock
from docket.content.api import router as content_router
from docket.deps import Db
from docket.documents import pages as documents_pages
from docket.documents import service as documents
from docket.documents.api import router as documents_router
from docket.enforcement import pages as enforcement_pages
from docket.enforcement.api import router as enforcement_router
from docket.enforcement.follower import FeedFollower
from docket.enforcement.index import RestrictionIndex
from docket.intake import draft_pages, submission, thread_pages, user_report_pages
from docket.intake import pages as portal_pages
from docket.intake.api import router as intake_router
from docket.intake.user_report_api import router as user_reports_router
from docket.jobs import CopyScanJobs, ExtractJobs, Jobs, LogJobs, MailJobs, TransparencyJobs
from docket.matching import pages as matching_pages
from docket.matching.api import router as matching_router
from docket.matching.bank import Bank
from docket.matching.service import BankFeed
from docket.notices import pages as notices_pages
from docket.notices.api import router as notices_router
from docket.notices.worker import OutboxWorker
from docket.ops import logs
from docket.ops import middleware as observe
from docket.ops.api import router as operations_router
from docket.ops.metrics import Metrics
from docket.parties import pages as admin_pages
from docket.parties.api import router as parties_router
from docket.parties.auth import PrincipalCache
from docket.ratelimit import LimitStore, RateLimiter
from docket.review import context_pages as console_context
from docket.review import desk_pages as console_desk
from docket.review import flow_pages as console_flow
from docket.review import inbox_pages as console_inboxes
from docket.review import pages as console_pages
from docket.review import team_pages as console_teams
from docket.review.api import router as review_router
from docket.review.desk_api import router as desk_router
from docket.review.discussion_api import router as discussion_router
from docket.review.explanation_api import router as explanation_router
from docket.review.team_api import router as teams_router
from docket.runtime import Runtime
from docket.settings import Settings, SettingsError, get_settings
from docket.store import READONLY, backend_for, make_engine, make_sessionmaker
from docket.transparency.api import router as transparency_router
from docket.transparency.pages import router as transparency_pages_router
from docket.web import apidocs
from docket.web import headers as security_headers
from docket.web import pages as web_pages

log = logging.getLogger("docket")

DESCRIPTION = """
docket runs every request to restrict content — from governments, courts,
regulators, trusted flaggers and users — through one process, the same for
everybody. Authenticate with `Authorization: Bearer <token>`; errors are
RFC 9457 `application/problem+json`.
"""


class Health(BaseModel):
    """What ``GET /healthz`` answers while the process and its database are up."""

    status: Literal["ok"] = Field(description="always ok: otherwise the answer is an error", examples=["ok"])
    version: str = Field(description="docket's version", examples=["0.1.0"])
    database: Literal["sqlite", "postgresql"] = Field(description="the database in use",
                                                      examples=["postgresql"])
    log_signing: bool = Field(description="whether this process signs the verifiable log's checkpoints "
                                          "(DOCKET_LOG_KEY_FILE is set)", examples=[True])


def page_routers() -> list[APIRouter]:
    """Every router of pages: the web's own (sign-in, the home page), and each area's, which
    live with their domains (DESIGN.md: a package's pages.py)."""
    areas = (console_pages, console_inboxes, console_desk, console_flow, console_teams, portal_pages,
             user_report_pages, appeals_pages, appeals_queue, enforcement_pages, admin_pages, catalog_pages,
             notices_pages, documents_pages, draft_pages, console_context, audit_pages, thread_pages,
             matching_pages)
    return [web_pages.router, *(area.router for area in areas)]


def create_app(settings: Settings | None = None, *, engine: Engine | None = None,
               clock: Clock = SYSTEM) -> FastAPI:
    """Build the app for ``settings`` (default: from the environment); ``clock`` decides
    lifetimes (sessions, cached tokens, sign-in blocks)."""
    settings = (settings or get_settings()).with_secret()
    engine = engine or make_engine(settings.database_url)
    logs.configure(level=settings.log_level, fmt=settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        follower = FeedFollower(engine, app.state.sessionmaker, app.state.index,
                                poll_seconds=settings.feed_poll_seconds, consumers=[BankFeed(app.state.bank)])
        follower.start()
        app.state.follower = follower
        jobs = Jobs(app.state.sessionmaker, settings, limits=app.state.ratelimiter.store)
        jobs.start()
        mail = MailJobs(app.state.sessionmaker, settings)  # only with DOCKET_MAIL_IMAP_URL
        mail.start()
        if app.state.log_signer is None:
            log.warning("DOCKET_LOG_KEY_FILE is not set: the audit log is sealed into its Merkle tree "
                        "but no checkpoint is signed (docket log keygen makes a key)")
        # The copy of the log's stored hashes that proofs are answered from (filled by the
        # log jobs' rounds; the database answers what it does not hold yet).
        app.state.log_mirror = mirror = LogMirror(settings.log_mirror_file)
        log_jobs = LogJobs(app.state.sessionmaker, settings, app.state.log_signer,
                           failures=app.state.metrics.log_job_failed, mirror=mirror)
        log_jobs.start()
        app.state.log_jobs = log_jobs
        # One writer at a time (SQLite): intake commits requests in groups.
        writer = app.state.runtime.backend.group_commit(app.state.sessionmaker, submission.store_batch,
                                                        submission.forget_ids)
        if writer is not None:
            writer.start()
        app.state.intake_writer = writer
        worker = None
        extracting = None
        reporting = None
        scanning = None
        if settings.run_worker:
            worker = OutboxWorker(app.state.sessionmaker, settings, clock=clock)
            worker.start()
            extracting = ExtractJobs(app.state.sessionmaker, settings)  # the inbox's documents read into drafts
            extracting.start()
            # The published periods' transparency reports, stored ahead of their readers.
            reporting = TransparencyJobs(app.state.sessionmaker, settings)
            reporting.start()
            # Copies of newly restricted content among the content registered before.
            scanning = CopyScanJobs(app.state.sessionmaker, settings)
            scanning.start()
        app.state.worker = worker
        yield
        if scanning is not None:
            scanning.stop()
        if reporting is not None:
            reporting.stop()
        if extracting is not None:
            extracting.stop()
        if worker is not None:
            worker.stop()
        if writer is not None:
            writer.stop()
        log_jobs.stop()
        app.state.log_mirror = None
        mirror.close()
        mail.stop()
        jobs.stop()
        follower.stop()
        app.state.ratelimiter.store.dispose()
        if app.state.owns_engine:
            engine.dispose()

    app = FastAPI(
        title="docket",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        # /docs and /redoc are docket's own (docket.web.apidocs): FastAPI's load a CDN.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.owns_engine = True
    # What the application keeps between calls (id blocks, the audit head hint, the catalog
    # cache): its own, never another application's in the same process; its sessions carry it.
    # Its store backend is chosen here, once, for the engine.
    app.state.runtime = runtime = Runtime(backend=backend_for(engine))
    app.state.sessionmaker = make_sessionmaker(engine, runtime)
    app.state.read_sessionmaker = make_sessionmaker(engine.execution_options(**READONLY), runtime)
    app.state.ratelimiter = RateLimiter(LimitStore(engine))
    app.state.index = RestrictionIndex(unknown_country=settings.unknown_country)
    # The fingerprints of restricted content (docket.matching.bank), kept by the same feed.
    app.state.bank = Bank(pdq_distance=settings.match_pdq_distance, pdq_quality=settings.match_pdq_quality,
                          text_similarity=settings.match_text_similarity)
    app.state.clock = clock
    app.state.principal_cache = PrincipalCache(app.state.sessionmaker, settings.token_cache_seconds,
                                               max_entries=settings.token_cache_entries,
                                               clock=clock)
    app.state.metrics = Metrics()
    app.state.metrics.count_transparency_reports(lambda: dict(runtime.transparency_counts))
    app.state.log_mirror = None  # made by the lifespan
    # The verifiable log's signing key, read once: a key that is set but unreadable stops
    # start-up, rather than leave the log unsigned unnoticed.
    try:
        app.state.log_signer = load_signer(settings.log_key_file)
    except KeyFileError as exc:
        raise SettingsError(f"DOCKET_LOG_KEY_FILE: {exc}") from None
    app.state.metrics.log_signing(app.state.log_signer is not None)
    errors.install(app)
    openapi.install(app)
    app.add_middleware(errors.ConcurrencyLimit, limit=settings.max_concurrent_requests)
    # The routes that take documents may carry theirs (DOCKET_REQUEST_DOCUMENTS_MAX_BYTES) in a
    # multipart body; every other call keeps DOCKET_MAX_BODY_BYTES.
    app.add_middleware(errors.BodyLimit, limit=settings.max_body_bytes, uploads=documents.UPLOAD_PATHS,
                       upload_limit=documents.upload_limit(settings))
    app.add_middleware(LogLane)  # outside the limits: it reads no body and never waits
    security_headers.install(app, base_url=settings.base_url)  # around all of the above
    # Around everything, the security headers too: the request id is on every answer.
    observe.install(app, metrics=app.state.metrics, access_log=settings.access_log)

    @app.get("/healthz", tags=["operations"], response_model=Health)
    def healthz(db: Db) -> dict[str, Any]:
        """Liveness and database reachability. Who: anyone."""
        db.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__, "database": engine.dialect.name,
                "log_signing": app.state.log_signer is not None}

    # The hot paths first, as FastAPI tries routers in order (matching a path costs every
    # route before it): visibility (every view of restricted content), the log's public
    # proofs (every verifier and witness), then intake (every request and report).
    for router in (enforcement_router, log_router, intake_router, user_reports_router, documents_router,
                   catalog_router, parties_router, review_router, teams_router, discussion_router,
                   explanation_router, appeals_router, notices_router, content_router,
                   desk_router, matching_router, audit_router, receipts_router, transparency_router,
                   transparency_pages_router, operations_router):
        app.include_router(router)
    web_pages.install(app, page_routers())
    apidocs.install(app)
    return app

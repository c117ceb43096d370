"""``docket mail poll``: take the mailbox's new letters into the inbox, as ``docket serve``
does every DOCKET_MAIL_POLL_SECONDS (docket.documents.mailbox)."""

from __future__ import annotations

import typer

from docket import cli_base as base

mail_app: typer.Typer = typer.Typer(help="The mailbox whose letters come into the inbox.", no_args_is_help=True)


@mail_app.command("poll")
def mail_poll(as_json: base.JsonOpt = False) -> None:
    """Take every new message from the mailbox (DOCKET_MAIL_IMAP_URL) into the inbox, each
    as an .eml document, then mark it taken on the server; exit 1, saying why, when the
    mailbox cannot be read."""
    import docket.models  # noqa: F401  (every table: the documents' foreign keys name requests, users…)
    from docket import store
    from docket.documents.mailbox import Mailbox, MailboxError, poll
    from docket.settings import get_settings

    settings = get_settings()
    try:
        where = Mailbox.of(settings).where
    except MailboxError as exc:
        raise base.fail(str(exc), as_json=as_json) from None
    engine = store.make_engine(settings.database_url)
    try:
        base.require_schema(engine, settings)
        result = poll(store.make_sessionmaker(engine), settings)
    except MailboxError as exc:
        raise base.fail(str(exc), as_json=as_json) from None
    finally:
        engine.dispose()
    lines = [f"{where}: {len(result.stored)} new letters in the inbox"
             + (f" (documents {', '.join(map(str, result.stored))})" if result.stored else "")]
    if result.already:
        lines.append(f"{result.already} messages were stored already and are now marked taken")
    for big in result.too_large:
        lines.append(f"left on the server, over DOCKET_DOCUMENT_MAX_BYTES ({settings.document_max_bytes} bytes): "
                     f"{big['size']} bytes from {big['from'] or 'an unknown sender'}, "
                     f"“{big['subject'] or 'no subject'}” (marked $DocketTooLarge)")
    for failed in result.failed:
        lines.append(f"not stored, tried again at the next poll: “{failed['subject'] or 'no subject'}” from "
                     f"{failed['from'] or 'an unknown sender'}: {failed['problem']}")
    if result.waiting:
        lines.append(f"{result.waiting} more messages wait for the next poll")
    base.emit(as_json, {"mailbox": where, **result.as_dict()}, "\n".join(lines))
    if result.failed:
        raise typer.Exit(1)


inbox_app: typer.Typer = typer.Typer(help="The inbox of documents received without a request.",
                                     no_args_is_help=True)


@inbox_app.command("extract")
def inbox_extract(as_json: base.JsonOpt = False,
                  limit: int = typer.Option(100, min=1, max=10_000, help="documents read at most")) -> None:
    """Read the inbox's new documents into drafts, as the worker does every
    DOCKET_EXTRACT_POLL_SECONDS: each file in a sandboxed child, its request proposed from
    the text; a file that cannot be read is listed with why (its draft is written by hand)."""
    import docket.models  # noqa: F401  (every table)
    from docket import store
    from docket.intake.drafts import read_round
    from docket.settings import get_settings

    settings = get_settings()
    engine = store.make_engine(settings.database_url)
    try:
        base.require_schema(engine, settings)
        with base.stage_progress(as_json) as progress:
            done = read_round(store.make_sessionmaker(engine), settings, limit=limit,
                              progress=(lambda n, total: progress("reading documents", n, total))
                              if progress else None)
    finally:
        engine.dispose()
    lines = [f"{len(done.read) + len(done.unreadable)} documents read into drafts"
             + (f" (documents {', '.join(map(str, done.read))})" if done.read else "")]
    lines += [f"document {u['id']} could not be read: {u['error']}" for u in done.unreadable]
    if done.taken:
        lines.append(f"{done.taken} were being read by another worker")
    base.emit(as_json, done.as_dict(), "\n".join(lines))

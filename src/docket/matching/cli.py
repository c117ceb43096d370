"""``docket copies scan``: look for copies of newly restricted content among the content
registered before, as the worker does every DOCKET_COPY_SCAN_SECONDS (docket.matching.scan)."""

from __future__ import annotations

import typer

from docket import cli_base as base

copies_app: typer.Typer = typer.Typer(help="Copies of restricted content found by docket's matcher.",
                                      no_args_is_help=True)


@copies_app.command("scan")
def copies_scan(as_json: base.JsonOpt = False,
                limit: int = typer.Option(10, min=1, max=1000, help="restrictions scanned at most")) -> None:
    """Look through the fingerprints of the content registered so far for copies of the
    content whose restriction started since the last scan (at most LIMIT restrictions, the
    oldest first, all in one pass); each copy is recorded and opens its own case, as one
    found at registration does."""
    import docket.models  # noqa: F401  (every table: the copies' cases name requests, items, decisions…)
    from docket import store
    from docket.matching.scan import scan_round
    from docket.settings import get_settings

    settings = get_settings()
    engine = store.make_engine(settings.database_url)
    try:
        base.require_schema(engine, settings)
        with base.stage_progress(as_json) as progress:
            done = scan_round(store.make_sessionmaker(engine), settings, limit=limit, progress=progress)
    finally:
        engine.dispose()
    lines = [f"{len(done.scanned)} restrictions scanned"
             + (f" (restrictions {', '.join(map(str, done.scanned))})" if done.scanned else "")
             + f" among {done.content_checked} registered content ({done.fingerprints_read} fingerprints compared)",
             f"{len(done.matches)} matches recorded, {len(done.items)} copy cases"
             + (f" (items {', '.join(map(str, done.items))})" if done.items else "")]
    if done.taken:
        lines.append(f"{done.taken} were being scanned by another worker")
    base.emit(as_json, done.as_dict(), "\n".join(lines))

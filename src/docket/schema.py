"""The database schema brought up to date: Alembic's migrations, then the catalog's defaults.

Apart from :mod:`docket.store` because the defaults are the catalog's: the infrastructure
below the domain packages does not import them."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from docket.catalog.service import seed_defaults
from docket.store import alembic_config, head_revision, make_sessionmaker, transaction


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (Alembic), then, at the latest revision, add any
    missing catalog defaults."""
    from alembic import command  # only here: importing Alembic costs every command its time

    command.upgrade(alembic_config(engine), revision)
    if revision != "head" and revision != head_revision(engine):
        # The defaults are written with today's models, whose columns an older revision
        # may not have yet (laws.official_url before 0016): an older schema gets them
        # when it is brought up to date.
        return
    with transaction(make_sessionmaker(engine)) as session:
        seed_defaults(session=session)

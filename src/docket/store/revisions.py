"""Alembic's view of a database: its configuration, the revision it is at, the newest."""

from __future__ import annotations

from importlib import resources
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Engine


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("docket") / "migrations"))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())

"""A throw-away database (docket.store.scratch): the tables asked for, gone afterwards."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, select

from docket import store
from docket.catalog.models import Jurisdiction
from docket.intake.models import Item


def test_it_holds_the_tables_asked_for_and_is_deleted_afterwards() -> None:
    with store.scratch_database([Jurisdiction, Item]) as session:
        bind = session.get_bind()
        folder = Path(str(bind.url.database)).parent
        assert set(inspect(bind).get_table_names()) == {"jurisdictions", "items"}
        assert "ix_items_report" in {i["name"] for i in inspect(bind).get_indexes("items")}
        # Filled without the tables an item refers to (no foreign keys are enforced).
        kz = store.with_defaults(Jurisdiction, {"code": "KZ", "name": "Kazakhstan"})
        store.insert_rows(session, Jurisdiction, [kz], returning=False)
        assert session.execute(select(Jurisdiction.name)).scalar_one() == "Kazakhstan"
    assert not folder.exists()

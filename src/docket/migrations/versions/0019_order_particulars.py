"""the order's particulars on a request (issue 17, point 2): the issuing authority (name,
kind, country), the order's number and date, the court and its case number, the register
entry, the deadline as the order states it, the earlier request it repeats; indexes for
the repeat proposal and for the reports' court and other orders

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ('authority_name', sa.String(length=300)),
    ('authority_kind', sa.String(length=32)),
    ('authority_country', sa.String(length=2)),
    ('order_number', sa.String(length=200)),
    ('order_date', sa.Date()),
    ('court_name', sa.String(length=300)),
    ('case_number', sa.String(length=200)),
    ('register_entry', sa.String(length=200)),
    ('order_deadline', sa.String(length=500)),
    ('repeats_id', sa.Integer()),
)
# Partial indexes: (name, columns, the column that must be set).
INDEXES = (
    ('ix_requests_register_entry', ['submitter_id', 'register_entry', 'id'], 'register_entry'),
    ('ix_requests_order_number', ['submitter_id', 'order_number', 'id'], 'order_number'),
    ('ix_requests_authority_report', ['received_at', 'authority_kind', 'id'], 'authority_kind'),
)


def upgrade() -> None:
    # Plain ALTER TABLE on both engines (SQLite's batch mode would copy the tables that
    # others reference); every column is nullable, so old rows need nothing.
    for name, type_ in COLUMNS:
        op.add_column('requests', sa.Column(name, type_, nullable=True))
    for name, columns, where in INDEXES:
        condition = sa.text(f'{where} IS NOT NULL')
        op.create_index(name, 'requests', columns, unique=False,
                        sqlite_where=condition, postgresql_where=condition)


def downgrade() -> None:
    for name, _columns, _where in INDEXES:
        op.drop_index(name, table_name='requests')
    for name, _type in reversed(COLUMNS):
        op.execute(f'ALTER TABLE requests DROP COLUMN {name}')

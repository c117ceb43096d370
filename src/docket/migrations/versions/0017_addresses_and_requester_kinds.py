"""addresses as written and requester kinds in the catalog (issue 17, points 4 and 5):
each request's intake notes (addresses refanged or withheld), unlisted items, and the
requester kinds' places (government, must cite a legal basis) as catalog rows

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'requester_kinds',
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('label', sa.String(length=120), nullable=False),
        sa.Column('government', sa.Boolean(), nullable=False),
        sa.Column('legal_basis_required', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_requester_kinds')),
    )
    # The rows themselves are the catalog's defaults (docket.schema seeds them after this).
    # Plain ALTER TABLE on both engines (SQLite's batch mode would copy the tables that
    # others reference).
    op.add_column('requests', sa.Column('intake_notes', sa.JSON(), nullable=False, server_default='[]'))
    op.add_column('items', sa.Column('unlisted', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.execute('ALTER TABLE items DROP COLUMN unlisted')
    op.execute('ALTER TABLE requests DROP COLUMN intake_notes')
    op.drop_table('requester_kinds')

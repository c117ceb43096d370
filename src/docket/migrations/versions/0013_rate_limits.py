"""rate limits shared by every node (token buckets, see docket/ratelimit.py)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 11:00:00

On SQLite the buckets live in a file of their own beside the database; the table here
is created on both engines all the same, so the schema is one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'rate_limits',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('tat', sa.Float(), nullable=False),
        sa.Column('granted', sa.Integer(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limits')),
    )


def downgrade() -> None:
    op.drop_table('rate_limits')

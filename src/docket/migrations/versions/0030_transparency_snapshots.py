"""transparency snapshots (issue 21, point 3): the published periods' reports, computed
ahead by the worker and read by the public site

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-03 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0030'
down_revision: str | None = '0029'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'transparency_snapshots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=16), nullable=False),
        sa.Column('scope', sa.String(length=8), nullable=False),
        sa.Column('log_size', sa.BigInteger(), nullable=False),
        sa.Column('published_at', docket.store.UTCDateTime(), nullable=False),
        sa.Column('computed_at', docket.store.UTCDateTime(), nullable=False),
        sa.Column('revised_at', docket.store.UTCDateTime(), nullable=True),
        sa.Column('revisions', sa.Integer(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_transparency_snapshots')),
        sa.UniqueConstraint('period', 'scope', name=op.f('uq_transparency_snapshots_period')),
    )


def downgrade() -> None:
    op.drop_table('transparency_snapshots')

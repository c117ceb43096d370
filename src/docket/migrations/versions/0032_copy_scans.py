"""copy scans (issue 19): content registered before its original was restricted is looked
through once per restriction (copy_scans), exact fingerprints found by index
(content_fingerprints (kind, value)), and a feed ``start`` again when a restricted content's
fingerprints change (restriction_changes.refresh)

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-03 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0032'
down_revision: str | None = '0031'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'copy_scans',
        sa.Column('restriction_id', sa.Integer(), nullable=False),
        sa.Column('scanned_at', docket.store.UTCDateTime(), nullable=False),
        sa.Column('content_checked', sa.Integer(), nullable=False),
        sa.Column('matches_found', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['restriction_id'], ['restrictions.id'],
                                name=op.f('fk_copy_scans_restriction_id_restrictions')),
        sa.PrimaryKeyConstraint('restriction_id', name=op.f('pk_copy_scans')),
    )
    op.create_index('ix_content_fingerprints_kind_value', 'content_fingerprints', ['kind', 'value'], unique=False)
    # A plain ADD COLUMN with a constant default: no table copy on either engine.
    op.add_column('restriction_changes', sa.Column('refresh', sa.Boolean(), nullable=False,
                                                   server_default=sa.false()))


def downgrade() -> None:
    op.execute('ALTER TABLE restriction_changes DROP COLUMN refresh')
    op.drop_index('ix_content_fingerprints_kind_value', table_name='content_fingerprints')
    op.drop_table('copy_scans')

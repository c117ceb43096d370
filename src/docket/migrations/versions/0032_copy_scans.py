"""copy scans (issue 19): content registered before its original was restricted is looked
through once per restriction (copy_scans), exact fingerprints found by a partial index
(content_fingerprints (kind, value) of the sha256 and text_sha256 kinds). The feed's new
``refresh`` op (a restricted content's fingerprints changed) needs no schema change.

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
    exact = sa.text("kind IN ('sha256', 'text_sha256')")
    op.create_index('ix_content_fingerprints_exact', 'content_fingerprints', ['kind', 'value'], unique=False,
                    sqlite_where=exact, postgresql_where=exact)


def downgrade() -> None:
    op.drop_index('ix_content_fingerprints_exact', table_name='content_fingerprints')
    op.drop_table('copy_scans')

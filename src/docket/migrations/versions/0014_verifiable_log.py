"""the verifiable log: leaves, stored hashes and signed checkpoints (issue 16)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'log_leaves',
        sa.Column('idx', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('nonce', sa.LargeBinary(length=16), nullable=False),
        sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint('idx', name=op.f('pk_log_leaves')),
        sa.UniqueConstraint('seq', name=op.f('uq_log_leaves_seq')),
    )
    op.create_table(
        'log_hashes',
        sa.Column('idx', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint('idx', name=op.f('pk_log_hashes')),
    )
    op.create_table(
        'log_checkpoints',
        sa.Column('size', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('root', sa.LargeBinary(length=32), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('signed_at', docket.store.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('size', name=op.f('pk_log_checkpoints')),
    )


def downgrade() -> None:
    op.drop_table('log_checkpoints')
    op.drop_table('log_hashes')
    op.drop_table('log_leaves')

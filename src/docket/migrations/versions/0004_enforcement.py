"""enforcement

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 11:10:13.966236
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('restrictions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_kind', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.String(length=200), nullable=False),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('notice_kind', sa.String(length=16), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('ends_at', docket.store.UTCDateTime(), nullable=True),
    sa.Column('ended_at', docket.store.UTCDateTime(), nullable=True),
    sa.Column('ended_reason', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_restrictions_decision_id_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restrictions'))
    )
    with op.batch_alter_table('restrictions', schema=None) as batch_op:
        batch_op.create_index('ix_restrictions_active', ['ended_at', 'ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_restrictions_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index('ix_restrictions_subject', ['subject_kind', 'subject_id'], unique=False)

    op.create_table('restriction_changes',
    sa.Column('cursor', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('op', sa.String(length=8), nullable=False),
    sa.Column('restriction_id', sa.Integer(), nullable=False),
    sa.Column('subject_kind', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.String(length=200), nullable=False),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('notice_kind', sa.String(length=16), nullable=False),
    sa.Column('ends_at', docket.store.UTCDateTime(), nullable=True),
    sa.Column('at', docket.store.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['restriction_id'], ['restrictions.id'], name=op.f('fk_restriction_changes_restriction_id_restrictions')),
    sa.PrimaryKeyConstraint('cursor', name=op.f('pk_restriction_changes'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ends_at', docket.store.UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_column('ends_at')

    op.drop_table('restriction_changes')
    with op.batch_alter_table('restrictions', schema=None) as batch_op:
        batch_op.drop_index('ix_restrictions_subject')
        batch_op.drop_index(batch_op.f('ix_restrictions_decision_id'))
        batch_op.drop_index('ix_restrictions_active')

    op.drop_table('restrictions')

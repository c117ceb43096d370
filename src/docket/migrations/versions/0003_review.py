"""review

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 11:03:38.990527
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('scope_reason', sa.Text(), nullable=True),
    sa.Column('ground', sa.String(length=16), nullable=True),
    sa.Column('law', sa.String(length=80), nullable=True),
    sa.Column('provision', sa.String(length=300), nullable=True),
    sa.Column('policy_clause', sa.String(length=300), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('from_state', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('approval_reasons', sa.JSON(), nullable=False),
    sa.Column('local_rep_jurisdiction', sa.String(length=2), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=False),
    sa.Column('decided_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('approved_at', docket.store.UTCDateTime(), nullable=True),
    sa.Column('rejected_by', sa.Integer(), nullable=True),
    sa.Column('rejected_at', docket.store.UTCDateTime(), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('effective_at', docket.store.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], name=op.f('fk_decisions_approved_by_users')),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_decisions_decided_by_users')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_decisions_item_id_items')),
    sa.ForeignKeyConstraint(['rejected_by'], ['users.id'], name=op.f('fk_decisions_rejected_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index('ix_decisions_item_id', ['item_id', 'id'], unique=False)
        batch_op.create_index('ix_decisions_status', ['status', 'id'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('finding', sa.String(length=32), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('at', docket.store.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_reviews_item_id_items')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_reviews_reviewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_item_id'), ['item_id'], unique=False)

    # New columns arrive nullable, are filled from each item's request, then tightened.
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('jurisdiction', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('priority', sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column('deadline_at', docket.store.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('received_at', docket.store.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('queue_open', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('overdue', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('assigned_to', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('claim_expires_at', docket.store.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('policy_finding', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('legal_finding', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('rights_finding', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('risk_flags', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', docket.store.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('scope', sa.JSON(), nullable=True))
    op.execute("""
        UPDATE items SET
          jurisdiction = (SELECT r.jurisdiction FROM requests r WHERE r.id = items.request_id),
          reason = (SELECT r.reason FROM requests r WHERE r.id = items.request_id),
          priority = (SELECT CASE WHEN r.emergency THEN 0 ELSE 1 END FROM requests r WHERE r.id = items.request_id),
          deadline_at = (SELECT r.deadline_at FROM requests r WHERE r.id = items.request_id),
          received_at = (SELECT r.received_at FROM requests r WHERE r.id = items.request_id),
          queue_open = (SELECT r.status = 'open' FROM requests r WHERE r.id = items.request_id),
          overdue = false,
          risk_flags = '[]'
    """)
    with op.batch_alter_table('items', schema=None) as batch_op:
        for name in ('jurisdiction', 'reason', 'priority', 'deadline_at', 'received_at', 'queue_open',
                     'overdue', 'risk_flags'):
            batch_op.alter_column(name, nullable=False)
        batch_op.create_index('ix_items_queue', ['queue_open', 'priority', 'deadline_at', 'received_at', 'id'], unique=False)
        batch_op.create_index('ix_items_queue_jurisdiction', ['queue_open', 'jurisdiction', 'priority', 'deadline_at', 'received_at', 'id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_items_assigned_to_users'), 'users', ['assigned_to'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_items_assigned_to_users'), type_='foreignkey')
        batch_op.drop_index('ix_items_queue_jurisdiction')
        batch_op.drop_index('ix_items_queue')
        batch_op.drop_column('scope')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('risk_flags')
        batch_op.drop_column('rights_finding')
        batch_op.drop_column('legal_finding')
        batch_op.drop_column('policy_finding')
        batch_op.drop_column('claim_expires_at')
        batch_op.drop_column('assigned_to')
        batch_op.drop_column('overdue')
        batch_op.drop_column('queue_open')
        batch_op.drop_column('received_at')
        batch_op.drop_column('deadline_at')
        batch_op.drop_column('priority')
        batch_op.drop_column('reason')
        batch_op.drop_column('jurisdiction')

    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_item_id'))

    op.drop_table('reviews')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_decisions_status')
        batch_op.drop_index('ix_decisions_item_id')

    op.drop_table('decisions')

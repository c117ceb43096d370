"""notices and appeals

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 11:42:00.346740
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('webhook_endpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('secret', sa.String(length=100), nullable=False),
    sa.Column('event_types', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', docket.store.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_webhook_endpoints_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints'))
    )
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_endpoints_owner_id'), ['owner_id'], unique=False)

    op.create_table('notice_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('legal_reason', sa.Text(), nullable=False),
    sa.Column('review_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('ends_at', docket.store.UTCDateTime(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('released_at', docket.store.UTCDateTime(), nullable=True),
    sa.Column('released_by', sa.String(length=120), nullable=True),
    sa.Column('release_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_notice_holds_request_id_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_holds'))
    )
    with op.batch_alter_table('notice_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_holds_request_id'), ['request_id'], unique=False)

    op.create_table('appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('appellant', sa.String(length=16), nullable=False),
    sa.Column('submitter_id', sa.Integer(), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('received_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', docket.store.UTCDateTime(), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_appeals_decided_by_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_appeals_decision_id_decisions')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_appeals_item_id_items')),
    sa.ForeignKeyConstraint(['submitter_id'], ['submitters.id'], name=op.f('fk_appeals_submitter_id_submitters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals'))
    )
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeals_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_appeals_status', ['status', 'received_at'], unique=False)
        batch_op.create_index('uq_appeals_open_decision', ['decision_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('subject', sa.String(length=80), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('hold_id', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('lease_until', docket.store.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('sent_at', docket.store.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_outbox_decision_id_decisions')),
    sa.ForeignKeyConstraint(['hold_id'], ['notice_holds.id'], name=op.f('fk_outbox_hold_id_notice_holds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_message_id'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index('ix_outbox_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_hold_id'), ['hold_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_subject'), ['subject'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_subject'))
        batch_op.drop_index(batch_op.f('ix_outbox_hold_id'))
        batch_op.drop_index('ix_outbox_due')
        batch_op.drop_index(batch_op.f('ix_outbox_decision_id'))

    op.drop_table('outbox')
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_index('uq_appeals_open_decision', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index('ix_appeals_status')
        batch_op.drop_index(batch_op.f('ix_appeals_item_id'))

    op.drop_table('appeals')
    with op.batch_alter_table('notice_holds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_holds_request_id'))

    op.drop_table('notice_holds')
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_endpoints_owner_id'))

    op.drop_table('webhook_endpoints')

"""intake

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 10:45:17.810493
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('content',
    sa.Column('id', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=True),
    sa.Column('normalized_url', sa.String(length=2048), nullable=True),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('author_id', sa.String(length=200), nullable=True),
    sa.Column('author_contact', sa.String(length=254), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('created_at', docket.store.UTCDateTime(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('registered_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('updated_at', docket.store.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content'))
    )
    with op.batch_alter_table('content', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_content_normalized_url'), ['normalized_url'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('body_hash', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('created_at', docket.store.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('owner', 'key', name=op.f('uq_idempotency_keys_owner'))
    )
    op.create_table('requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submitter_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('jurisdiction', sa.String(length=2), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=True),
    sa.Column('legal_basis', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=True),
    sa.Column('requested_action', sa.String(length=16), nullable=False),
    sa.Column('requested_scope', sa.JSON(), nullable=False),
    sa.Column('issuing_officer', sa.JSON(), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=True),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('confidentiality_basis', sa.Text(), nullable=True),
    sa.Column('emergency', sa.Boolean(), nullable=False),
    sa.Column('emergency_explanation', sa.Text(), nullable=True),
    sa.Column('bona_fide', sa.Boolean(), nullable=False),
    sa.Column('art16_notice', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('missing', sa.JSON(), nullable=False),
    sa.Column('received_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('clock_started_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('deadline_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('clock_rule', sa.JSON(), nullable=False),
    sa.Column('clarifications', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction'], ['jurisdictions.code'], name=op.f('fk_requests_jurisdiction_jurisdictions')),
    sa.ForeignKeyConstraint(['reason'], ['reasons.code'], name=op.f('fk_requests_reason_reasons')),
    sa.ForeignKeyConstraint(['submitter_id'], ['submitters.id'], name=op.f('fk_requests_submitter_id_submitters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_requests'))
    )
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.create_index('ix_requests_jurisdiction_received', ['jurisdiction', 'received_at'], unique=False)
        batch_op.create_index('ix_requests_status_deadline', ['status', 'deadline_at'], unique=False)
        batch_op.create_index('ix_requests_submitter_id_id', ['submitter_id', 'id'], unique=False)

    op.create_table('items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('content_id', sa.String(length=200), nullable=True),
    sa.Column('url', sa.String(length=2048), nullable=True),
    sa.Column('normalized_url', sa.String(length=2048), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=True),
    sa.Column('created_at', docket.store.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_items_request_id_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_items'))
    )
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_items_content_id'), ['content_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_items_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_items_request_id'))
        batch_op.drop_index(batch_op.f('ix_items_content_id'))

    op.drop_table('items')
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_index('ix_requests_submitter_id_id')
        batch_op.drop_index('ix_requests_status_deadline')
        batch_op.drop_index('ix_requests_jurisdiction_received')

    op.drop_table('requests')
    op.drop_table('idempotency_keys')
    with op.batch_alter_table('content', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_normalized_url'))
        batch_op.drop_index(batch_op.f('ix_content_author_id'))

    op.drop_table('content')

"""saved queue views and the queue's search indexes (issue 20, point 5)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'saved_views',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('created_at', docket.store.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_views_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_views')),
        sa.UniqueConstraint('user_id', 'name', name='uq_saved_views_user_id_name'),
    )
    op.create_index('ix_items_normalized_url', 'items', ['normalized_url'], unique=False)
    op.create_index('ix_items_queue_deadline', 'items', ['queue_open', 'deadline_at', 'id'], unique=False)
    op.create_index('ix_requests_reference', 'requests', ['reference'], unique=False)
    op.create_index('ix_requests_order_number_only', 'requests', ['order_number'], unique=False)
    op.create_index('ix_requests_case_number', 'requests', ['case_number'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_requests_case_number', table_name='requests')
    op.drop_index('ix_requests_order_number_only', table_name='requests')
    op.drop_index('ix_requests_reference', table_name='requests')
    op.drop_index('ix_items_queue_deadline', table_name='items')
    op.drop_index('ix_items_normalized_url', table_name='items')
    op.drop_table('saved_views')

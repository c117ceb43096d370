"""reports

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 11:56:54.705827
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reporter_suspensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reporter_key', sa.String(length=120), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('unfounded_reports', sa.Integer(), nullable=False),
    sa.Column('starts_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('ends_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('suspended_by', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reporter_suspensions'))
    )
    with op.batch_alter_table('reporter_suspensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reporter_suspensions_reporter_key'), ['reporter_key'], unique=False)

    op.create_table('designations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submitter_id', sa.Integer(), nullable=False),
    sa.Column('designating_body', sa.String(length=200), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('jurisdictions', sa.JSON(), nullable=False),
    sa.Column('valid_from', docket.store.UTCDateTime(), nullable=False),
    sa.Column('valid_to', docket.store.UTCDateTime(), nullable=True),
    sa.Column('created_at', docket.store.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['submitter_id'], ['submitters.id'], name=op.f('fk_designations_submitter_id_submitters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_designations'))
    )
    with op.batch_alter_table('designations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_designations_submitter_id'), ['submitter_id'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('reporter_key', sa.String(length=120), nullable=False),
    sa.Column('reporter_name', sa.String(length=200), nullable=True),
    sa.Column('reporter_email', sa.String(length=254), nullable=True),
    sa.Column('reporter_verified', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('jurisdiction', sa.String(length=2), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=True),
    sa.Column('bona_fide', sa.Boolean(), nullable=False),
    sa.Column('art16_notice', sa.Boolean(), nullable=False),
    sa.Column('received_at', docket.store.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_reports_item_id_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_reports_item_received', ['item_id', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_reporter_key'), ['reporter_key'], unique=False)

    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_hour', sa.Integer(), nullable=False, server_default='0'))
    # due_hour: the hour the deadline falls in, for the queue order.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("UPDATE items SET due_hour = CAST(strftime('%s', deadline_at) AS INTEGER) / 3600")
    else:
        op.execute("UPDATE items SET due_hour = CAST(FLOOR(EXTRACT(EPOCH FROM deadline_at) / 3600) AS INTEGER)")
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('severity', sa.SmallInteger(), nullable=False, server_default='3'))
        batch_op.add_column(sa.Column('flag_rank', sa.SmallInteger(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('crowd', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('case_key', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('report_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('reporter_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('possible_coordination', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.drop_index(batch_op.f('ix_items_queue'))
        batch_op.create_index('ix_items_queue', ['queue_open', 'priority', 'severity', 'due_hour', 'flag_rank', 'crowd', 'received_at', 'id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_items_queue_jurisdiction'))
        batch_op.create_index('ix_items_queue_jurisdiction', ['queue_open', 'jurisdiction', 'priority', 'severity', 'due_hour', 'flag_rank', 'crowd', 'received_at', 'id'], unique=False)
        batch_op.create_index('uq_items_open_case', ['case_key'], unique=True, sqlite_where=sa.text("case_key IS NOT NULL AND status <> 'decided'"), postgresql_where=sa.text("case_key IS NOT NULL AND status <> 'decided'"))



def downgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index('uq_items_open_case', sqlite_where=sa.text("case_key IS NOT NULL AND status <> 'decided'"), postgresql_where=sa.text("case_key IS NOT NULL AND status <> 'decided'"))
        batch_op.drop_index('ix_items_queue_jurisdiction')
        batch_op.create_index(batch_op.f('ix_items_queue_jurisdiction'), ['queue_open', 'jurisdiction', 'priority', 'deadline_at', 'received_at', 'id'], unique=False)
        batch_op.drop_index('ix_items_queue')
        batch_op.create_index(batch_op.f('ix_items_queue'), ['queue_open', 'priority', 'deadline_at', 'received_at', 'id'], unique=False)
        batch_op.drop_column('possible_coordination')
        batch_op.drop_column('reporter_count')
        batch_op.drop_column('report_count')
        batch_op.drop_column('case_key')
        batch_op.drop_column('crowd')
        batch_op.drop_column('flag_rank')
        batch_op.drop_column('due_hour')
        batch_op.drop_column('severity')

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_reporter_key'))
        batch_op.drop_index('ix_reports_item_received')
        batch_op.drop_index(batch_op.f('ix_reports_item_id'))

    op.drop_table('reports')
    with op.batch_alter_table('designations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_designations_submitter_id'))

    op.drop_table('designations')
    with op.batch_alter_table('reporter_suspensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reporter_suspensions_reporter_key'))

    op.drop_table('reporter_suspensions')

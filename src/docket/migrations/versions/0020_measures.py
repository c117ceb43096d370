"""measures beyond content (issue 17, point 3): the measures each request asks for
(content in the jurisdiction, global removal, an account's restriction, user data —
referred), and the note of items the requester could not list

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'measures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('scope', sa.JSON(), nullable=False),
        sa.Column('account', sa.String(length=200), nullable=True),
        sa.Column('fallback', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('item_position', sa.Integer(), nullable=True),
        sa.Column('outcome', sa.String(length=16), nullable=True),
        sa.Column('explanation', sa.Text(), nullable=True),
        sa.Column('referral', sa.String(length=500), nullable=True),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decided_at', docket.store.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_measures_decided_by_users')),
        sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_measures_request_id_requests')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_measures')),
    )
    op.create_index(op.f('ix_measures_request_id'), 'measures', ['request_id'], unique=False)
    # Requests stored before: the measure their requested action and scope imply, as intake
    # derives it for a body without measures.
    op.execute(
        "INSERT INTO measures (request_id, position, kind, scope, fallback) "
        "SELECT id, 0, CASE WHEN requested_action = 'remove' THEN 'remove_global' ELSE 'restrict_content' END, "
        "CASE WHEN requested_action = 'remove' THEN '[\"*\"]' ELSE requested_scope END, false FROM requests"
    )
    # Plain ALTER TABLE on both engines (SQLite's batch mode would copy a table others reference).
    op.add_column('requests', sa.Column('other_items', sa.Text(), nullable=True))
    op.add_column('requests', sa.Column('other_items_status', sa.String(length=16), nullable=True))
    op.add_column('requests', sa.Column('other_items_answer', sa.Text(), nullable=True))


def downgrade() -> None:
    op.execute('ALTER TABLE requests DROP COLUMN other_items_answer')
    op.execute('ALTER TABLE requests DROP COLUMN other_items_status')
    op.execute('ALTER TABLE requests DROP COLUMN other_items')
    op.drop_index(op.f('ix_measures_request_id'), table_name='measures')
    op.drop_table('measures')

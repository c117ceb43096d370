"""request messages (issue 20, point 7): a thread per request between the authority and
the reviewers; the language a person reads pages in

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0028'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'request_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('author', sa.String(length=16), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', docket.store.UTCDateTime(), nullable=False),
        sa.Column('read_at', docket.store.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_request_messages_request_id_requests')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_request_messages_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_request_messages')),
    )
    op.create_index(op.f('ix_request_messages_request_id'), 'request_messages', ['request_id'], unique=False)
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('language', sa.String(length=2), nullable=True))


def downgrade() -> None:
    # Not a batch: re-creating users on SQLite would break every key that points at it.
    op.execute('ALTER TABLE users DROP COLUMN language')
    op.drop_index(op.f('ix_request_messages_request_id'), table_name='request_messages')
    op.drop_table('request_messages')

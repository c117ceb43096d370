"""web sessions and export receipts

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 13:11:33.105237
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('export_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('export', sa.String(length=16), nullable=False),
    sa.Column('target', sa.String(length=500), nullable=False),
    sa.Column('key', sa.String(length=500), nullable=False),
    sa.Column('remote_id', sa.String(length=200), nullable=True),
    sa.Column('accepted_at', docket.store.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_receipts')),
    sa.UniqueConstraint('export', 'target', 'key', name=op.f('uq_export_receipts_export'))
    )
    op.create_table('web_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('expires_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', docket.store.UTCDateTime(), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_web_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_web_sessions_token_hash'))
    )
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_sessions_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitter_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', docket.store.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_submitter_id'), ['submitter_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_submitter_id_submitters'), 'submitters', ['submitter_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_submitter_id_submitters'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_submitter_id'))
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('submitter_id')

    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_sessions_user_id'))

    op.drop_table('web_sessions')
    op.drop_table('export_receipts')

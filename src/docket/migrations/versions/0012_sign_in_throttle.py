"""sign-in throttles replace the per-account lock-out

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 10:00:00

Failed sign-ins are counted per (address, account) pair, per address and per account,
under keys that are HMACs with the server's secret (``web.throttle``), so that a stranger
can no longer lock a person out and an unknown e-mail behaves like a known one. The
users' ``failed_logins`` and ``locked_until`` go: nothing reads them any more. A lock-out
in force at the upgrade ends with it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sign_in_throttles',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('started_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('last_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('blocked_until', docket.store.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttles'))
    )
    with op.batch_alter_table('sign_in_throttles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_throttles_account'), ['account'], unique=False)

    # ALTER TABLE … DROP COLUMN (SQLite 3.35 and later have it): the batch's default on
    # SQLite, copying "users" and dropping the original, fails once other tables refer
    # to its rows (foreign keys are on).
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('locked_until', docket.store.UTCDateTime(), nullable=True))

    with op.batch_alter_table('sign_in_throttles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_throttles_account'))

    op.drop_table('sign_in_throttles')

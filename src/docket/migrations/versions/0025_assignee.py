"""the person a lead assigned an item to (issue 20, point 1), apart from a claim

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('items') as batch:
        batch.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_items_assignee_id'), ['assignee_id'], unique=False)
        batch.create_foreign_key(batch.f('fk_items_assignee_id_users'), 'users', ['assignee_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('items') as batch:
        batch.drop_constraint(batch.f('fk_items_assignee_id_users'), type_='foreignkey')
        batch.drop_index(batch.f('ix_items_assignee_id'))
        batch.drop_column('assignee_id')

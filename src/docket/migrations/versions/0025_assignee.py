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
    # A plain ADD COLUMN … REFERENCES: a batch would copy "items" and drop the original,
    # which SQLite refuses once other tables refer to its rows (foreign keys are on).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE items ADD COLUMN assignee_id INTEGER '
                   'CONSTRAINT fk_items_assignee_id_users REFERENCES users (id)')
    else:
        op.add_column('items', sa.Column('assignee_id', sa.Integer(),
                                         sa.ForeignKey('users.id', name=op.f('fk_items_assignee_id_users')),
                                         nullable=True))
    op.create_index(op.f('ix_items_assignee_id'), 'items', ['assignee_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_items_assignee_id'), table_name='items')
    if op.get_bind().dialect.name != 'sqlite':  # SQLite drops a column's REFERENCES with it
        op.drop_constraint(op.f('fk_items_assignee_id_users'), 'items', type_='foreignkey')
    op.execute('ALTER TABLE items DROP COLUMN assignee_id')

"""appeals routed to a person or a team (issue 20, point 2): who an appeal is assigned
to, since when, by when it should be decided; teams that decide appeals

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0029'
down_revision: str | None = '0028'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFERENCES = (('assignee_id', 'users'), ('team_id', 'teams'))


def upgrade() -> None:
    # Plain ADD COLUMN … REFERENCES: a batch would copy "appeals" (as for items in 0025).
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for column, table in _REFERENCES:
        name = f'fk_appeals_{column}_{table}'
        if sqlite:
            op.execute(f'ALTER TABLE appeals ADD COLUMN {column} INTEGER CONSTRAINT {name} REFERENCES {table} (id)')
        else:
            op.add_column('appeals', sa.Column(column, sa.Integer(), sa.ForeignKey(f'{table}.id', name=op.f(name)), nullable=True))
    op.add_column('appeals', sa.Column('assigned_at', docket.store.UTCDateTime(), nullable=True))
    op.add_column('appeals', sa.Column('due_at', docket.store.UTCDateTime(), nullable=True))
    op.create_index(op.f('ix_appeals_assignee_id'), 'appeals', ['assignee_id'], unique=False)
    op.add_column('teams', sa.Column('appeals', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.execute('ALTER TABLE teams DROP COLUMN appeals')
    op.drop_index(op.f('ix_appeals_assignee_id'), table_name='appeals')
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for column in ('due_at', 'assigned_at'):
        op.execute(f'ALTER TABLE appeals DROP COLUMN {column}')
    for column, table in _REFERENCES:
        if not sqlite:  # SQLite drops a column's REFERENCES with it
            op.drop_constraint(op.f(f'fk_appeals_{column}_{table}'), 'appeals', type_='foreignkey')
        op.execute(f'ALTER TABLE appeals DROP COLUMN {column}')

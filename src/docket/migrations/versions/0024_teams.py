"""teams (issue 20, point 1): people who share one role's work for all countries or one,
and the team an item is assigned to

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 16:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'teams',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.Column('jurisdiction', sa.String(length=2), nullable=True),
        sa.Column('created_at', docket.store.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['jurisdiction'], ['jurisdictions.code'], name=op.f('fk_teams_jurisdiction_jurisdictions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
        sa.UniqueConstraint('name', name=op.f('uq_teams_name')),
    )
    op.create_table(
        'team_members',
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_members_team_id_teams'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_team_members_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('team_id', 'user_id', name=op.f('pk_team_members')),
    )
    op.create_index(op.f('ix_team_members_user_id'), 'team_members', ['user_id'], unique=False)
    # A plain ADD COLUMN … REFERENCES: a batch would copy "items" and drop the original,
    # which SQLite refuses once other tables refer to its rows (foreign keys are on).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE items ADD COLUMN team_id INTEGER '
                   'CONSTRAINT fk_items_team_id_teams REFERENCES teams (id)')
    else:
        op.add_column('items', sa.Column('team_id', sa.Integer(),
                                         sa.ForeignKey('teams.id', name=op.f('fk_items_team_id_teams')),
                                         nullable=True))
    op.create_index(op.f('ix_items_team_id'), 'items', ['team_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_items_team_id'), table_name='items')
    if op.get_bind().dialect.name != 'sqlite':  # SQLite drops a column's REFERENCES with it
        op.drop_constraint(op.f('fk_items_team_id_teams'), 'items', type_='foreignkey')
    op.execute('ALTER TABLE items DROP COLUMN team_id')
    op.drop_index(op.f('ix_team_members_user_id'), table_name='team_members')
    op.drop_table('team_members')
    op.drop_table('teams')

"""copies (issue 19): content's fingerprints, the copies found at registration, and the
review item a copy opens (items.copy_of_decision_id)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-03 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0031'
down_revision: str | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'content_fingerprints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('content_id', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('value', sa.LargeBinary(), nullable=False),
        sa.Column('quality', sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(['content_id'], ['content.id'], ondelete='CASCADE',
                                name=op.f('fk_content_fingerprints_content_id_content')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_fingerprints')),
    )
    op.create_index(op.f('ix_content_fingerprints_content_id'), 'content_fingerprints', ['content_id'],
                    unique=False)
    op.create_table(
        'content_matches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('content_id', sa.String(length=200), nullable=False),
        sa.Column('original_content_id', sa.String(length=200), nullable=False),
        sa.Column('decision_id', sa.Integer(), nullable=False),
        sa.Column('restriction_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('distance', sa.SmallInteger(), nullable=True),
        sa.Column('similarity', sa.Float(), nullable=True),
        sa.Column('item_id', sa.Integer(), nullable=True),
        sa.Column('found_at', docket.store.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['content_id'], ['content.id'], name=op.f('fk_content_matches_content_id_content')),
        sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'],
                                name=op.f('fk_content_matches_decision_id_decisions')),
        sa.ForeignKeyConstraint(['restriction_id'], ['restrictions.id'],
                                name=op.f('fk_content_matches_restriction_id_restrictions')),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_content_matches_item_id_items')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_matches')),
    )
    op.create_index(op.f('ix_content_matches_content_id'), 'content_matches', ['content_id'], unique=False)
    op.create_index(op.f('ix_content_matches_item_id'), 'content_matches', ['item_id'], unique=False)
    # A law that requires automated action on copies (docket.matching.copies): its copies are
    # decided at once, and the decision is recorded (and reported to the DSA database) as automated.
    op.add_column('laws', sa.Column('automated_copies', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('decisions', sa.Column('automated', sa.Boolean(), nullable=False, server_default=sa.false()))
    # A plain ADD COLUMN … REFERENCES: a batch would copy "items" (see 0025). Decisions are
    # never deleted; SET NULL lets a test's cleanup empty the tables in their usual order
    # (decisions before items, which this column now makes a cycle).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE items ADD COLUMN copy_of_decision_id INTEGER '
                   'CONSTRAINT fk_items_copy_of_decision_id_decisions REFERENCES decisions (id) ON DELETE SET NULL')
    else:
        op.add_column('items', sa.Column('copy_of_decision_id', sa.Integer(),
                                         sa.ForeignKey('decisions.id', ondelete='SET NULL',
                                                       name=op.f('fk_items_copy_of_decision_id_decisions')),
                                         nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':  # SQLite drops a column's REFERENCES with it
        op.drop_constraint(op.f('fk_items_copy_of_decision_id_decisions'), 'items', type_='foreignkey')
    op.execute('ALTER TABLE items DROP COLUMN copy_of_decision_id')
    op.execute('ALTER TABLE decisions DROP COLUMN automated')
    op.execute('ALTER TABLE laws DROP COLUMN automated_copies')
    op.drop_index(op.f('ix_content_matches_item_id'), table_name='content_matches')
    op.drop_index(op.f('ix_content_matches_content_id'), table_name='content_matches')
    op.drop_table('content_matches')
    op.drop_index(op.f('ix_content_fingerprints_content_id'), table_name='content_fingerprints')
    op.drop_table('content_fingerprints')

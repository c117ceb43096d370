"""item context (issue 20, points 3 and 4): content previews, an item's internal
discussion with mentions, versioned explanation templates and the version a decision used

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'content_previews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('content_id', sa.String(length=200), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('media_type', sa.String(length=20), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('alt', sa.String(length=300), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['content_id'], ['content.id'], name=op.f('fk_content_previews_content_id_content'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_previews')),
    )
    op.create_index('uq_content_previews_position', 'content_previews', ['content_id', 'position'], unique=True)
    op.create_table(
        'explanation_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=40), nullable=True),
        sa.Column('law', sa.String(length=80), nullable=True),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', docket.store.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_explanation_templates')),
    )
    op.create_index('ix_explanation_templates_match', 'explanation_templates', ['language', 'reason', 'law'],
                    unique=False)
    op.create_table(
        'explanation_template_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('template_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', docket.store.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'],
                                name=op.f('fk_explanation_template_versions_created_by_users')),
        sa.ForeignKeyConstraint(['template_id'], ['explanation_templates.id'],
                                name=op.f('fk_explanation_template_versions_template_id_explanation_templates')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_explanation_template_versions')),
    )
    op.create_index('uq_explanation_template_versions', 'explanation_template_versions', ['template_id', 'version'],
                    unique=True)
    op.create_table(
        'item_comments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('at', docket.store.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_item_comments_author_id_users')),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_comments_item_id_items')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_item_comments')),
    )
    op.create_index('ix_item_comments_item', 'item_comments', ['item_id', 'id'], unique=False)
    op.create_table(
        'item_mentions',
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['comment_id'], ['item_comments.id'],
                                name=op.f('fk_item_mentions_comment_id_item_comments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_mentions_item_id_items')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_item_mentions_user_id_users')),
        sa.PrimaryKeyConstraint('comment_id', 'user_id', name=op.f('pk_item_mentions')),
    )
    op.create_index('ix_item_mentions_user', 'item_mentions', ['user_id', 'comment_id'], unique=False)
    # A plain ADD COLUMN … REFERENCES: a batch would copy "decisions" and drop the original,
    # which SQLite refuses once other tables refer to its rows (foreign keys are on).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE decisions ADD COLUMN template_version_id INTEGER '
                   'CONSTRAINT fk_decisions_template_version_id_explanation_template_versions '
                   'REFERENCES explanation_template_versions (id)')
    else:
        op.add_column('decisions', sa.Column(
            'template_version_id', sa.Integer(),
            sa.ForeignKey('explanation_template_versions.id',
                          name=op.f('fk_decisions_template_version_id_explanation_template_versions')),
            nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':  # SQLite drops a column's REFERENCES with it
        op.drop_constraint(op.f('fk_decisions_template_version_id_explanation_template_versions'),
                           'decisions', type_='foreignkey')
    op.execute('ALTER TABLE decisions DROP COLUMN template_version_id')
    op.drop_index('ix_item_mentions_user', table_name='item_mentions')
    op.drop_table('item_mentions')
    op.drop_index('ix_item_comments_item', table_name='item_comments')
    op.drop_table('item_comments')
    op.drop_index('uq_explanation_template_versions', table_name='explanation_template_versions')
    op.drop_table('explanation_template_versions')
    op.drop_index('ix_explanation_templates_match', table_name='explanation_templates')
    op.drop_table('explanation_templates')
    op.drop_index('uq_content_previews_position', table_name='content_previews')
    op.drop_table('content_previews')

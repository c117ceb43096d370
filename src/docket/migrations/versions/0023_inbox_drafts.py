"""the inbox's extractions and drafts (issue 18, point 3): what the worker read out of each
inbox document (inbox_extractions, also its claim on the document) and the request a
person drafts from it (inbox_drafts), confirmed through the one intake path

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'inbox_extractions',
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('claimed_at', docket.store.UTCDateTime(), nullable=False),
        sa.Column('extracted_at', docket.store.UTCDateTime(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('paragraphs', sa.JSON(), nullable=False),
        sa.Column('languages', sa.JSON(), nullable=False),
        sa.Column('pages', sa.Integer(), nullable=False),
        sa.Column('ocr_pages', sa.Integer(), nullable=False),
        sa.Column('warnings', sa.JSON(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['inbox_entries.document_id'], name=op.f('fk_inbox_extractions_document_id_inbox_entries')),
        sa.PrimaryKeyConstraint('document_id', name=op.f('pk_inbox_extractions')),
    )
    op.create_table(
        'inbox_drafts',
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('proposed', sa.JSON(), nullable=False),
        sa.Column('body', sa.JSON(), nullable=False),
        sa.Column('submitter_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', docket.store.UTCDateTime(), nullable=False),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['document_id'], ['inbox_entries.document_id'], name=op.f('fk_inbox_drafts_document_id_inbox_entries')),
        sa.ForeignKeyConstraint(['submitter_id'], ['submitters.id'], name=op.f('fk_inbox_drafts_submitter_id_submitters')),
        sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_inbox_drafts_updated_by_users')),
        sa.PrimaryKeyConstraint('document_id', name=op.f('pk_inbox_drafts')),
    )


def downgrade() -> None:
    op.drop_table('inbox_drafts')
    op.drop_table('inbox_extractions')

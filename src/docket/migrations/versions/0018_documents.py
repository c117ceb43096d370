"""documents on a request (issue 17, point 1): the letter, the order or court decision,
translations and evidence a request carries, and their content, one copy per distinct
content (by SHA-256), in the database unless DOCKET_DOCUMENT_DIR keeps it in files

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'document_blobs',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('created_at', docket.store.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('sha256', name=op.f('pk_document_blobs')),
    )
    op.create_table(
        'documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=True),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('media_type', sa.String(length=100), nullable=False),
        sa.Column('uploaded_by', sa.String(length=64), nullable=False),
        sa.Column('uploaded_at', docket.store.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_documents_request_id_requests')),
        sa.ForeignKeyConstraint(['sha256'], ['document_blobs.sha256'], name=op.f('fk_documents_sha256_document_blobs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    )
    op.create_index('ix_documents_request_id_id', 'documents', ['request_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_documents_request_id_id', table_name='documents')
    op.drop_table('documents')
    op.drop_table('document_blobs')

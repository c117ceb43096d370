"""the inbox of documents received (issue 18, point 1): a document may belong to no
request yet (documents.request_id nullable), and inbox_entries says how each such document
came (console, API, mail), who sent it, and what became of it

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0022'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite cannot drop NOT NULL in place: batch mode copies the table, which nothing else
    # references yet (inbox_entries is made after it).
    with op.batch_alter_table('documents') as batch:
        batch.alter_column('request_id', existing_type=sa.Integer(), nullable=True)
    op.create_table(
        'inbox_entries',
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('submitter_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('sender', sa.String(length=320), nullable=True),
        sa.Column('subject', sa.String(length=500), nullable=True),
        sa.Column('message_id', sa.String(length=500), nullable=True),
        sa.Column('received_at', docket.store.UTCDateTime(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=True),
        sa.Column('dismissed_reason', sa.Text(), nullable=True),
        sa.Column('dismissed_by', sa.Integer(), nullable=True),
        sa.Column('dismissed_at', docket.store.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_inbox_entries_document_id_documents')),
        sa.ForeignKeyConstraint(['submitter_id'], ['submitters.id'], name=op.f('fk_inbox_entries_submitter_id_submitters')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_inbox_entries_user_id_users')),
        sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_inbox_entries_request_id_requests')),
        sa.ForeignKeyConstraint(['dismissed_by'], ['users.id'], name=op.f('fk_inbox_entries_dismissed_by_users')),
        sa.PrimaryKeyConstraint('document_id', name=op.f('pk_inbox_entries')),
    )
    op.create_index('ix_inbox_entries_message_id', 'inbox_entries', ['message_id'], unique=True)
    op.create_index('ix_inbox_entries_status_received_at', 'inbox_entries', ['status', 'received_at'], unique=False)
    op.create_index('ix_inbox_entries_submitter_id', 'inbox_entries', ['submitter_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_inbox_entries_submitter_id', table_name='inbox_entries')
    op.drop_index('ix_inbox_entries_status_received_at', table_name='inbox_entries')
    op.drop_index('ix_inbox_entries_message_id', table_name='inbox_entries')
    op.drop_table('inbox_entries')
    # The inbox's documents have no request to go back to: they go with it.
    op.execute('DELETE FROM documents WHERE request_id IS NULL')
    with op.batch_alter_table('documents') as batch:
        batch.alter_column('request_id', existing_type=sa.Integer(), nullable=False)

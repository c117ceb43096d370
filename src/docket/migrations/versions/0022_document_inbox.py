"""the inbox of documents received (issue 18, point 1): a document may belong to no
request yet (documents.request_id nullable), and inbox_entries says how each such document
came (console, API, mail), who sent it, and what became of it

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 13:30:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _request_id_nullable(nullable: bool) -> None:
    """documents.request_id NULL or NOT NULL. PostgreSQL changes it in place. SQLite cannot:
    the table is rebuilt from its own CREATE TABLE with only that column's NOT NULL changed
    (so every other column keeps its definition as written, redacts_id's foreign key
    too, which 0021's downgrade drops with its column), its rows copied, the old table
    dropped and the new one renamed. Only documents reference documents (a redacted
    copy its original, redacts_id): those references are set aside for the copy and put
    back after it, as dropping the old table with the foreign keys on would refuse them."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        op.alter_column('documents', 'request_id', existing_type=sa.Integer(), nullable=nullable)
        return
    created = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'documents'")).scalar_one()
    column = re.compile(r'(\brequest_id INTEGER)( NOT NULL)?')
    assert column.search(created), created
    rebuilt = column.sub(r'\1' if nullable else r'\1 NOT NULL', created, count=1)
    rebuilt = re.sub(r'^CREATE TABLE\s+"?documents"?', 'CREATE TABLE _documents_0022', rebuilt, count=1)
    op.execute('CREATE TABLE _documents_redacts_0022 AS SELECT id, redacts_id FROM documents WHERE redacts_id IS NOT NULL')
    op.execute('UPDATE documents SET redacts_id = NULL WHERE redacts_id IS NOT NULL')
    op.execute(rebuilt)
    op.execute('INSERT INTO _documents_0022 SELECT * FROM documents')
    op.execute('DROP TABLE documents')
    op.execute('ALTER TABLE _documents_0022 RENAME TO documents')
    op.create_index('ix_documents_request_id_id', 'documents', ['request_id', 'id'], unique=False)
    op.execute('UPDATE documents SET redacts_id = (SELECT k.redacts_id FROM _documents_redacts_0022 k '
               'WHERE k.id = documents.id) WHERE id IN (SELECT id FROM _documents_redacts_0022)')
    op.execute('DROP TABLE _documents_redacts_0022')


def upgrade() -> None:
    _request_id_nullable(True)
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
    # The inbox's documents have no request to go back to: they go with it (none is an
    # original of a redacted copy: copies are made of a request's documents).
    op.execute('DELETE FROM documents WHERE request_id IS NULL')
    _request_id_nullable(False)

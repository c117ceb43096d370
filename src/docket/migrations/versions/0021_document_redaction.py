"""documents that hold personal data, and their redacted copies (issue 17, point 2): the
reviewer's mark that a document holds personal data, and the original a redacted copy was
made of, so that the Lumen export sends the copy in place of the original

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE on both engines (SQLite's batch mode would copy a table others
    # reference). Documents stored before hold no mark: false, until a reviewer says.
    op.add_column('documents', sa.Column('personal_data', sa.Boolean(), server_default=sa.false(), nullable=False))
    # The foreign key inside the column's own definition, which SQLite accepts in ADD
    # COLUMN (for a column whose default is NULL) and PostgreSQL too, under the name the
    # metadata's naming convention gives it.
    op.execute('ALTER TABLE documents ADD COLUMN redacts_id INTEGER '
               'CONSTRAINT fk_documents_redacts_id_documents REFERENCES documents (id)')


def downgrade() -> None:
    op.execute('ALTER TABLE documents DROP COLUMN redacts_id')
    op.execute('ALTER TABLE documents DROP COLUMN personal_data')

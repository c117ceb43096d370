"""laws carry an official link and an excerpt of their text

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 08:00:00

Both nullable: a law added before this revision has neither until an operator (or the
catalog's defaults, for the laws docket ships) fills them in.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('laws', sa.Column('official_url', sa.String(length=500), nullable=True))
    op.add_column('laws', sa.Column('excerpt', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('laws') as batch:
        batch.drop_column('excerpt')
        batch.drop_column('official_url')

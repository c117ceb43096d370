"""the question a reviewer asked the requester about an item

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('items', sa.Column('clarification_question', sa.Text(), nullable=True))


def downgrade() -> None:
    op.execute('ALTER TABLE items DROP COLUMN clarification_question')

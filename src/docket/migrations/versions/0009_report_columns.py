"""what transparency reports read, kept on items: submitter, action taken, durations

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An item's standing decision: in effect, or a restriction reversed on appeal
# (docket.transparency.aggregates.standing); the latest if there were several.
_STANDING = """
    FROM decisions d WHERE d.item_id = items.id AND d.effective_at IS NOT NULL
    AND (d.status = 'effective' OR (d.status = 'reversed' AND d.outcome IN ('restricted', 'removed_policy')))
    ORDER BY d.id DESC LIMIT 1
"""


def _seconds(start: str, end: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"round(CAST(EXTRACT(EPOCH FROM {end} - {start}) AS numeric), 3)"
    return f"round((julianday({end}) - julianday({start})) * 86400.0, 3)"


def upgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitter_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('action_outcome', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('decide_seconds', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('effect_seconds', sa.Float(), nullable=True))
    op.execute("UPDATE items SET submitter_id = (SELECT r.submitter_id FROM requests r WHERE r.id = items.request_id)")
    op.execute(f"""UPDATE items SET
        action_outcome = (SELECT d.outcome {_STANDING}),
        decide_seconds = (SELECT {_seconds('items.received_at', 'd.decided_at')} {_STANDING}),
        effect_seconds = (SELECT {_seconds('items.received_at', 'd.effective_at')} {_STANDING})
        WHERE items.decided_at IS NOT NULL OR items.outcome IS NOT NULL""")


def downgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_column('effect_seconds')
        batch_op.drop_column('decide_seconds')
        batch_op.drop_column('action_outcome')
        batch_op.drop_column('submitter_id')

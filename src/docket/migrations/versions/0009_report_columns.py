"""what transparency reports read, kept on items: submitter, action taken, durations; their indexes

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
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index('ix_items_report', ['received_at', 'request_id', 'submitter_id', 'jurisdiction',
                                                  'reason', 'action_outcome', 'flag_rank', 'possible_coordination'])
        for name, columns, column in (
            ('ix_items_decide', ['decide_seconds', 'received_at'], 'decide_seconds'),
            ('ix_items_effect', ['effect_seconds', 'received_at'], 'effect_seconds'),
            ('ix_items_submitter_decide', ['submitter_id', 'jurisdiction', 'decide_seconds', 'received_at'],
             'decide_seconds'),
        ):
            where = sa.text(f'{column} IS NOT NULL')
            batch_op.create_index(name, columns, sqlite_where=where, postgresql_where=where)
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.create_index('ix_requests_report', ['received_at', 'submitter_id', 'jurisdiction', 'channel',
                                                     'clarifications', 'emergency'])


def downgrade() -> None:
    op.drop_index('ix_requests_report', table_name='requests')
    for name in ('ix_items_submitter_decide', 'ix_items_effect', 'ix_items_decide', 'ix_items_report'):
        op.drop_index(name, table_name='items')
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+), not a batch copy of the table: other tables
    # hold foreign keys to items, which a copy-and-rename would trip over.
    for column in ('effect_seconds', 'decide_seconds', 'action_outcome', 'submitter_id'):
        op.execute(f'ALTER TABLE items DROP COLUMN {column}')

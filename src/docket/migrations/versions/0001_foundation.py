"""foundation

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 10:39:09.031899
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import docket.store

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    # The chain starts from the genesis hash; appenders lock this row.
    op.bulk_insert(
        sa.table('audit_head', sa.column('id'), sa.column('seq'), sa.column('hash')),
        [{'id': 1, 'seq': 0, 'hash': '0' * 64}],
    )
    op.create_table('events',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('subject', sa.String(length=120), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_action_seq', ['action', 'seq'], unique=False)
        batch_op.create_index('ix_events_subject_seq', ['subject', 'seq'], unique=False)

    op.create_table('jurisdictions',
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('default_clock_hours', sa.Integer(), nullable=True),
    sa.Column('emergency_clock_hours', sa.Integer(), nullable=True),
    sa.Column('local_rep_signoff', sa.Boolean(), nullable=False),
    sa.Column('local_rep_title', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_jurisdictions'))
    )
    op.create_table('laws',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('applies_in', sa.String(length=8), nullable=False),
    sa.Column('citation', sa.String(length=300), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('clock_hours', sa.Integer(), nullable=True),
    sa.Column('emergency_clock_hours', sa.Integer(), nullable=True),
    sa.Column('clock_basis', sa.String(length=300), nullable=True),
    sa.Column('clock_restarts_on_clarification', sa.Boolean(), nullable=False),
    sa.Column('local_rep_signoff', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('added_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_laws'))
    )
    with op.batch_alter_table('laws', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_laws_applies_in'), ['applies_in'], unique=False)

    op.create_table('reasons',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('google_label', sa.String(length=120), nullable=False),
    sa.Column('severity', sa.SmallInteger(), nullable=False),
    sa.Column('dsa_category', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_reasons'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', docket.store.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('region_members',
    sa.Column('region', sa.String(length=8), nullable=False),
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['code'], ['jurisdictions.code'], name=op.f('fk_region_members_code_jurisdictions')),
    sa.PrimaryKeyConstraint('region', 'code', name=op.f('pk_region_members'))
    )
    op.create_table('submitters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('created_at', docket.store.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['country'], ['jurisdictions.code'], name=op.f('fk_submitters_country_jurisdictions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submitters'))
    )
    op.create_table('user_roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('jurisdiction', sa.String(length=2), nullable=True),
    sa.ForeignKeyConstraint(['jurisdiction'], ['jurisdictions.code'], name=op.f('fk_user_roles_jurisdiction_jurisdictions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_roles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_roles')),
    sa.UniqueConstraint('user_id', 'role', 'jurisdiction', name=op.f('uq_user_roles_user_id'))
    )
    with op.batch_alter_table('user_roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_roles_user_id'), ['user_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('submitter_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', docket.store.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', docket.store.UTCDateTime(), nullable=True),
    sa.CheckConstraint('(submitter_id IS NULL) <> (user_id IS NULL)', name=op.f('ck_api_tokens_one_owner')),
    sa.ForeignKeyConstraint(['submitter_id'], ['submitters.id'], name=op.f('fk_api_tokens_submitter_id_submitters')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_submitter_id'), ['submitter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))
        batch_op.drop_index(batch_op.f('ix_api_tokens_submitter_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('user_roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_roles_user_id'))

    op.drop_table('user_roles')
    op.drop_table('submitters')
    op.drop_table('region_members')
    op.drop_table('users')
    op.drop_table('reasons')
    with op.batch_alter_table('laws', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_laws_applies_in'))

    op.drop_table('laws')
    op.drop_table('jurisdictions')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_subject_seq')
        batch_op.drop_index('ix_events_action_seq')

    op.drop_table('events')
    op.drop_table('audit_head')

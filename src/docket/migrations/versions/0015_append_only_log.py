"""the audit events and the verifiable log's tables are append-only in the database itself

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 07:00:00

docket only ever inserts into ``events``, ``log_leaves``, ``log_hashes`` and
``log_checkpoints`` (nothing in docket updates or deletes them: no retention job, no
repair, and backups are restored into a fresh database). A trigger on each now refuses
UPDATE, DELETE and (PostgreSQL) TRUNCATE with an error that names the table, so a
mistaken statement, a script or a compromised application cannot rewrite history in
place. INSERT has no trigger: appends cost what they did.

The trigger is a guard, not the proof: the tables' owner can disable it (``ALTER TABLE
… DISABLE TRIGGER``), which is why on PostgreSQL docket should run as a role that has
INSERT and SELECT only on these tables and does not own them (docs/operations.md, "An
append-only audit log on PostgreSQL"); what anyone with the owner's rights does is
caught by the verifiable log's checkpoints held outside. On SQLite whoever can write
the file can drop the triggers; they still stop every accidental rewrite.

A later migration that must change these tables' rows does so as their owner, between
``ALTER TABLE t DISABLE TRIGGER t_append_only`` and ``ENABLE`` in its transaction
(PostgreSQL), or by dropping and creating the two triggers again (SQLite); one that
rebuilds a table on SQLite (Alembic's batch mode) must create its triggers again.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('events', 'log_leaves', 'log_hashes', 'log_checkpoints')

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION docket_append_only() RETURNS trigger LANGUAGE plpgsql AS $refuse$
BEGIN
    RAISE EXCEPTION 'docket: % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'the audit log is never rewritten (docs/operations.md, "An append-only audit log")';
END
$refuse$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(_PG_FUNCTION)
        for table in TABLES:
            # A statement trigger: it refuses even a statement that matches no row, and
            # it is the only kind TRUNCATE fires.
            op.execute(f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} '
                       'FOR EACH STATEMENT EXECUTE FUNCTION docket_append_only()')
        return
    for table in TABLES:
        for verb in ('UPDATE', 'DELETE'):
            op.execute(f"CREATE TRIGGER {table}_append_only_{verb.lower()} BEFORE {verb} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, 'docket: {table} is append-only: {verb} refused'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            op.execute(f'DROP TRIGGER IF EXISTS {table}_append_only ON {table}')
        op.execute('DROP FUNCTION IF EXISTS docket_append_only()')
        return
    for table in TABLES:
        for verb in ('update', 'delete'):
            op.execute(f'DROP TRIGGER IF EXISTS {table}_append_only_{verb}')

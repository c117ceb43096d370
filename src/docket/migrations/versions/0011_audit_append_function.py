"""docket_audit_append: PostgreSQL finishes the audit chain's hashes under its lock

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 17:20:00

The hash of an event covers the hash before it, so whoever appends must hold the chain's
head from reading it until its transaction commits. Done from Python, every appender
waited for the holder's round trips and for the holder's thread to get the GIL back.
This function takes the lock, finishes each event's hash from the two halves of its
canonical JSON that Python prepared (``audit.service._hash_parts``; the events come as
one JSON array, which costs the caller less to send than seven arrays), inserts the
events and moves the head, in one statement, which the caller can send together with its other
writes and the COMMIT. The hashes are the ones Python computes: ``docket audit verify``
and the events already stored are unchanged. SQLite needs nothing: it has one writer.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUNCTION = """
CREATE OR REPLACE FUNCTION docket_audit_append(p_at timestamptz, p_events json)
RETURNS bigint LANGUAGE plpgsql AS $append$
DECLARE
    event json;
    last_seq bigint;
    last_hash text;
    seqs bigint[] := '{}';
    prevs text[] := '{}';
    hashes text[] := '{}';
    actors text[] := '{}';
    actions text[] := '{}';
    subjects text[] := '{}';
    payloads text[] := '{}';
BEGIN
    -- Held until the transaction ends: two appenders must never chain onto the same event.
    SELECT seq, hash INTO last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the audit chain has no head row (audit_head id 1)';
    END IF;
    FOR event IN SELECT e FROM json_array_elements(p_events) WITH ORDINALITY AS t(e, n) ORDER BY n LOOP
        last_seq := last_seq + 1;
        prevs := prevs || last_hash;
        -- The event's canonical JSON is head || prev_hash || '","seq":' || seq || tail.
        last_hash := encode(sha256(convert_to(
            (event->>'head') || last_hash || '","seq":' || last_seq::text || (event->>'tail'),
            'UTF8')), 'hex');
        seqs := seqs || last_seq;
        hashes := hashes || last_hash;
        actors := actors || (event->>'actor');
        actions := actions || (event->>'action');
        subjects := subjects || (event->>'subject');
        payloads := payloads || (event->>'payload');
    END LOOP;
    INSERT INTO events (seq, at, actor, action, subject, payload, prev_hash, hash)
    SELECT e.seq, p_at, e.actor, e.action, e.subject, e.payload::json, e.prev_hash, e.hash
      FROM unnest(seqs, actors, actions, subjects, payloads, prevs, hashes)
           AS e(seq, actor, action, subject, payload, prev_hash, hash);
    UPDATE audit_head SET seq = last_seq, hash = last_hash WHERE id = 1;
    RETURN last_seq;
END
$append$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS docket_audit_append(timestamptz, json)")

"""Drafts redacted ahead of exports (feedback_redactions): what the redaction task stores.

An export's time is the redactor's (docs/exports.md, Performance). Storing each annotated draft's redacted text
once, in the background, lets every later export copy that text at the database's pace instead. A stored
redaction counts only while the draft's `updated_at` and the redactor's key are the ones it was made with
(selectors.py joins on both): an edited draft, changed rules or changed settings never export stale text, since
the export redacts such a draft itself, and the next run here stores it again.
"""

from __future__ import annotations

from django.db import connection

from feedback.exports.records import draft_redactions
from feedback.exports.redaction import Redactor
from hotdash.db_context import Role, acting_as

# Annotated drafts (what an export reads) without a current stored redaction, in id order from `after`.
_PENDING_SQL = """
SELECT f.id, f.updated_at, f.input_text, f.model_draft, f.labels, f.notes, f.meta::text
FROM agent_feedback f
LEFT JOIN feedback_redactions r
    ON r.feedback_id = f.id AND r.source_updated_at = f.updated_at AND r.redactor = %(key)s
WHERE f.safe_to_send IS NOT NULL AND r.feedback_id IS NULL AND f.id > %(after)s
ORDER BY f.id
LIMIT %(batch)s
"""
_STORE_SQL = """
INSERT INTO feedback_redactions AS t
    (feedback_id, source_updated_at, redactor, input_text, model_draft, labels, notes,
     emails, phones, cards, ips, names)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (feedback_id) DO UPDATE SET
    source_updated_at = excluded.source_updated_at, redactor = excluded.redactor,
    input_text = excluded.input_text, model_draft = excluded.model_draft, labels = excluded.labels,
    notes = excluded.notes, emails = excluded.emails, phones = excluded.phones, cards = excluded.cards,
    ips = excluded.ips, names = excluded.names
"""


def stored_redactions_fill(*, redactor: Redactor, limit: int, batch_rows: int = 2000) -> int:
    """Redact and store up to `limit` annotated drafts that have no current stored redaction, lowest id first.

    Returns how many it stored. Each batch is a transaction of its own, so a run stopped midway keeps what it
    stored. A draft edited while its batch is redacted keeps its new `updated_at`, so what is stored for its old
    text is never used.
    """
    key, stored, after = redactor.key(), 0, 0
    while stored < limit:
        with acting_as(Role.SERVICE), connection.cursor() as cursor:
            cursor.execute(_PENDING_SQL, {"key": key, "after": after, "batch": min(batch_rows, limit - stored)})
            rows = cursor.fetchall()
            if not rows:
                break
            updated = {id_: updated_at for id_, updated_at, *_ in rows}
            redacted = draft_redactions([(id_, *texts) for id_, _, *texts in rows], redactor)
            cursor.executemany(
                _STORE_SQL, [(id_, updated[id_], key, *texts_and_counts) for id_, *texts_and_counts in redacted]
            )
        stored += len(rows)
        after = rows[-1][0]
    return stored

"""Drafts redacted ahead of exports (feedback_redactions): the lines the redaction task stores.

An export's time is the redactor's (docs/exports.md, Performance). Storing each annotated draft's lines (JSON Lines
and CSV, redacted) once, in the background, lets every later export copy them at the database's pace instead;
parquet is parsed from the JSON lines. A stored line counts only while the draft's `updated_at` and the key it
was made with (the redactor and the line format, records.stored_lines_key) are current (selectors.py joins on
both): an edited draft, changed rules, settings or format never export a stale line, since the export redacts
such a draft itself, and the next run here stores it again.
"""

from __future__ import annotations

from django.db import connection

from feedback.exports.records import draft_lines_ahead, stored_lines_key
from feedback.exports.redaction import Redactor
from feedback.exports.selectors import DRAFT_COLUMNS
from hotdash.db_context import Role, acting_as

# Annotated drafts (what an export reads) without a current stored line, in id order from `after`.
_PENDING_SQL = (
    "SELECT f.updated_at, " + ", ".join(DRAFT_COLUMNS)
    + """
FROM agent_feedback f
LEFT JOIN feedback_redactions r
    ON r.feedback_id = f.id AND r.source_updated_at = f.updated_at AND r.made_with = %(key)s
WHERE f.safe_to_send IS NOT NULL AND r.feedback_id IS NULL AND f.id > %(after)s
ORDER BY f.id
LIMIT %(batch)s
"""
)
_STORE_SQL = """
INSERT INTO feedback_redactions AS t
    (feedback_id, source_updated_at, made_with, jsonl, csv, emails, phones, cards, ips, names)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (feedback_id) DO UPDATE SET
    source_updated_at = excluded.source_updated_at, made_with = excluded.made_with, jsonl = excluded.jsonl,
    csv = excluded.csv, emails = excluded.emails, phones = excluded.phones, cards = excluded.cards,
    ips = excluded.ips, names = excluded.names
"""


def stored_redactions_fill(*, redactor: Redactor, limit: int, batch_rows: int = 2000) -> int:
    """Redact and store the lines of up to `limit` annotated drafts that have none current, lowest id first.

    Returns how many it stored. Each batch is a transaction of its own, so a run stopped midway keeps what it
    stored. A draft edited while its batch is redacted keeps its new `updated_at`, so what is stored for its old
    text is never used.
    """
    key, stored, after = stored_lines_key(redactor), 0, 0
    while stored < limit:
        with acting_as(Role.SERVICE), connection.cursor() as cursor:
            cursor.execute(_PENDING_SQL, {"key": key, "after": after, "batch": min(batch_rows, limit - stored)})
            rows = cursor.fetchall()
            if not rows:
                break
            drafts = [columns for _, *columns in rows]  # columns[0] is the draft's id
            made = draft_lines_ahead(drafts, redactor)
            cursor.executemany(
                _STORE_SQL,
                [
                    (columns[0], updated_at, key, *lines_and_counts)
                    for (updated_at, *columns), lines_and_counts in zip(rows, made, strict=True)
                ],
            )
        stored += len(rows)
        after = drafts[-1][0]
    return stored

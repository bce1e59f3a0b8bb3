"""The rows of an export, read in chunks through a server-side cursor, in id order.

Memory stays flat whatever the size of the table: the client holds one chunk at a time. The order by id makes
the file (and so its sha256) the same for the same filters on the same data. Call inside
`acting_as(Role.SERVICE)`: the cursor lives as long as that transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

from django.db import connection

from feedback.exports.filters import GOLD, ExportFilters

# Timestamps leave as ISO 8601 text in UTC, as Python's isoformat() writes it (microseconds only when there are
# some): PostgreSQL formats them faster than the client parses and formats them again. jsonb leaves as text.
_ISO = (
    "to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
    " || CASE WHEN extract(microseconds FROM {col})::bigint %% 1000000 = 0 THEN ''"
    " ELSE to_char({col} AT TIME ZONE 'UTC', '.US') END || '+00:00'"
)
# Column lists and tables are constants; only values from the filters are bound as parameters. A draft whose
# redaction was stored ahead for this redactor and its current text (feedback_redactions) arrives with its
# texts already redacted, `stored` true and what was replaced; any other arrives as it is, to be redacted.
_DRAFTS_SELECT = (
    "SELECT f.id, f.conversation_id, " + _ISO.format(col="f.created_at") + ","  # noqa: S608 - constant text
    " coalesce(r.input_text, f.input_text), coalesce(r.model_draft, f.model_draft), f.safe_to_send,"
    " coalesce(r.labels, f.labels), f.rubric::text, CASE WHEN r.feedback_id IS NULL THEN f.notes ELSE r.notes END,"
    " CASE WHEN r.feedback_id IS NULL THEN f.meta::text END, r.feedback_id IS NOT NULL,"
    " r.emails, r.phones, r.cards, r.ips, r.names"
    " FROM agent_feedback f LEFT JOIN feedback_redactions r"
    " ON r.feedback_id = f.id AND r.source_updated_at = f.updated_at AND r.redactor = %s"
)
_GOLD_SELECT = (
    "SELECT f.id, f.conversation_id, f.source_message_id, " + _ISO.format(col="f.approved_at") + ", f.question,"  # noqa: S608 - constant text
    " f.reply, f.tags FROM support_curated_replies f"
)


def _where(filters: ExportFilters) -> tuple[str, list]:
    """The filters on the exported table, aliased `f` in every query here."""
    if filters.dataset == GOLD:
        clauses, params, moment, tags = ["f.approved_at IS NOT NULL"], [], "f.approved_at", "f.tags"
    else:
        clauses, params, moment, tags = ["f.safe_to_send IS NOT NULL"], [], "f.created_at", "f.labels"
        if filters.safe_only:
            clauses.append("f.safe_to_send")
    if filters.since:
        clauses.append(f"{moment} >= %s")
        params.append(_utc_midnight(filters.since))
    if filters.until:
        clauses.append(f"{moment} < %s")
        params.append(_utc_midnight(filters.until + timedelta(days=1)))
    if filters.label:
        clauses.append(f"{tags} @> ARRAY[%s]::text[]")
        params.append(filters.label)
    return " WHERE " + " AND ".join(clauses), params


def _utc_midnight(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def export_rows_count(filters: ExportFilters) -> int:
    where, params = _where(filters)
    table = "support_curated_replies" if filters.dataset == GOLD else "agent_feedback"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} f{where}", params)  # noqa: S608 - fixed names, bound values
        return cursor.fetchone()[0]


def export_rows(filters: ExportFilters, *, chunk_rows: int, redactor_key: str) -> Iterator[list[tuple]]:
    """Lists of up to `chunk_rows` tuples, in the column order of the SELECTs above; drafts redacted ahead by
    the redactor named `redactor_key` arrive redacted."""
    where, params = _where(filters)
    if filters.dataset == GOLD:
        select = _GOLD_SELECT
    else:
        select, params = _DRAFTS_SELECT, [redactor_key, *params]
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"{select}{where} ORDER BY f.id", params)
        while True:
            rows = cursor.fetchmany(chunk_rows)
            if not rows:
                return
            yield rows

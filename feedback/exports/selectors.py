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
# Column lists and tables are constants; only values from the filters are bound as parameters.
_DRAFTS_SELECT = (
    "SELECT id, conversation_id, " + _ISO.format(col="created_at") + ", input_text, model_draft, safe_to_send,"  # noqa: S608 - constant text
    " labels, rubric::text, notes, meta::text FROM agent_feedback"
)
_GOLD_SELECT = (
    "SELECT id, conversation_id, source_message_id, " + _ISO.format(col="approved_at") + ", question, reply, tags"  # noqa: S608 - constant text
    " FROM support_curated_replies"
)


def _where(filters: ExportFilters) -> tuple[str, list]:
    if filters.dataset == GOLD:
        clauses, params, moment, tags = ["approved_at IS NOT NULL"], [], "approved_at", "tags"
    else:
        clauses, params, moment, tags = ["safe_to_send IS NOT NULL"], [], "created_at", "labels"
        if filters.safe_only:
            clauses.append("safe_to_send")
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
        cursor.execute(f"SELECT count(*) FROM {table}{where}", params)  # noqa: S608 - fixed names, bound values
        return cursor.fetchone()[0]


def export_rows(filters: ExportFilters, *, chunk_rows: int) -> Iterator[list[tuple]]:
    """Lists of up to `chunk_rows` tuples, in the column order of the SELECTs above."""
    where, params = _where(filters)
    select = _GOLD_SELECT if filters.dataset == GOLD else _DRAFTS_SELECT
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"{select}{where} ORDER BY id", params)
        while True:
            rows = cursor.fetchmany(chunk_rows)
            if not rows:
                return
            yield rows

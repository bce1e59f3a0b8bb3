"""The rows of an export, read in chunks through a server-side cursor, in id order.

Memory stays flat whatever the size of the table: the client holds one chunk at a time. The order by id makes
the file (and so its sha256) the same for the same filters on the same data. Call inside
`acting_as(Role.SERVICE)`: the cursor lives as long as that transaction.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from datetime import UTC, datetime, time, timedelta

from django.db import connection

from feedback.exports.filters import GOLD, ExportFilters
from feedback.exports.lines import CSV, JSONL
from feedback.exports.redaction import KINDS

# Timestamps leave as ISO 8601 text in UTC, as Python's isoformat() writes it (microseconds only when there are
# some): PostgreSQL formats them faster than the client parses and formats them again. jsonb leaves as text.
_ISO = (
    "to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
    " || CASE WHEN extract(microseconds FROM {col})::bigint %% 1000000 = 0 THEN ''"
    " ELSE to_char({col} AT TIME ZONE 'UTC', '.US') END || '+00:00'"
)
# Column lists and tables are constants; only values from the filters are bound as parameters.
DRAFT_COLUMNS = (
    "f.id", "f.conversation_id", _ISO.format(col="f.created_at"), "f.input_text", "f.model_draft", "f.safe_to_send",
    "f.labels", "f.rubric::text", "f.notes", "f.meta::text",
)
# A draft whose line of the asked kind was stored ahead for this redactor and its current text
# (feedback_redactions) arrives as that line alone; any other as its columns, to be redacted (records.py).
_STORED_JOIN = (
    " FROM agent_feedback f LEFT JOIN feedback_redactions r"
    " ON r.feedback_id = f.id AND r.source_updated_at = f.updated_at AND r.made_with = %s"
)
_DRAFTS_SELECT = {
    kind: "SELECT r." + kind + ", "
    + ", ".join(f"CASE WHEN r.feedback_id IS NULL THEN {column} END" for column in DRAFT_COLUMNS)
    + _STORED_JOIN
    for kind in (JSONL, CSV)
}
_GOLD_SELECT = (
    "SELECT NULL, f.id, f.conversation_id, f.source_message_id, " + _ISO.format(col="f.approved_at") + ","  # noqa: S608 - constant text
    " f.question, f.reply, f.tags FROM support_curated_replies f"
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


def export_rows_count(filters: ExportFilters, *, stored_key: str) -> tuple[int, int, dict[str, int]]:
    """How many rows the export writes, how many of them are drafts whose lines are stored under `stored_key`,
    and what was replaced in those lines (per kind in redaction.KINDS' order), which the export copies without
    redacting."""
    where, params = _where(filters)
    with connection.cursor() as cursor:
        if filters.dataset == GOLD:
            cursor.execute(f"SELECT count(*) FROM support_curated_replies f{where}", params)  # noqa: S608 - constant
            return cursor.fetchone()[0], 0, dict.fromkeys(KINDS, 0)
        cursor.execute(
            "SELECT count(*), count(r.feedback_id), coalesce(sum(r.emails), 0), coalesce(sum(r.phones), 0),"
            " coalesce(sum(r.cards), 0), coalesce(sum(r.ips), 0), coalesce(sum(r.names), 0)"
            f"{_STORED_JOIN}{where}",
            [stored_key, *params],
        )
        total, stored, *replaced = cursor.fetchone()
        return total, stored, dict(zip(KINDS, replaced, strict=True))


def export_rows(filters: ExportFilters, *, kind: str, chunk_rows: int, stored_key: str) -> Generator[list[tuple]]:
    """Lists of up to `chunk_rows` rows, each (its line of `kind` stored ahead under `stored_key`, or None; then
    its columns, or Nones when the line is stored): drafts in DRAFT_COLUMNS' order, gold replies in
    _GOLD_SELECT's.

    The server-side cursor is opened here, in the caller's thread and transaction; the chunks may then be
    fetched from another thread (read_ahead).
    """
    where, params = _where(filters)
    if filters.dataset == GOLD:
        select = _GOLD_SELECT
    else:
        select, params = _DRAFTS_SELECT[kind], [stored_key, *params]
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(f"{select}{where} ORDER BY f.id", params)
    except BaseException:
        cursor.close()
        raise
    return _fetched(cursor, chunk_rows)


def _fetched(cursor, chunk_rows: int) -> Generator[list[tuple]]:
    with cursor:
        while rows := cursor.fetchmany(chunk_rows):
            yield rows


_DONE = object()


def read_ahead(chunks: Generator[list[tuple]], *, depth: int = 1) -> Iterator[list[tuple]]:
    """`chunks` (from export_rows), fetched by a thread of their own: `depth` chunks wait for the caller while
    the thread fetches the next.

    The database makes the next rows while the caller redacts and writes these: on two cores, an export of
    stored lines otherwise waits for the server about half its time (docs/exports.md, Performance). The thread
    touches nothing but the cursor export_rows opened, on the caller's connection and in its transaction; the
    caller makes no other query until the chunks end. When the caller stops early (a failed write), the thread
    is stopped and joined before this returns, so the transaction never ends under a running fetch.
    """
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand_over(item) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def fetch() -> None:
        try:
            for chunk in chunks:
                if not hand_over(chunk):
                    break
        except BaseException as exc:  # handed to the caller, raised there
            hand_over(exc)
        finally:
            chunks.close()  # closes the server-side cursor, from the thread that used it
            hand_over(_DONE)

    thread = threading.Thread(target=fetch, name="export-read-ahead", daemon=True)
    thread.start()
    try:
        while (item := ready.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()

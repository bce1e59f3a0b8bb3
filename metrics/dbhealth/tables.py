"""Section 4, tables: rows, size, dead tuples, bloat, vacuum and analyze, seq-scan hotspots, sequences, xid age."""

from __future__ import annotations

from django.db import DatabaseError, connection, transaction
from psycopg import sql

from metrics.dbhealth.catalog import application_tables, rows, size_text
from metrics.dbhealth.report import Level, Section

NAME = "tables"
TITLE = "Tables"

HOTSPOT_ROWS = 10_000  # a sequential scan matters above this many rows (the threshold)
DEAD_RATIO_WARNING = 0.2
DEAD_ROWS_FLOOR = 10_000
BLOAT_RATIO_WARNING = 0.5
BLOAT_BYTES_FLOOR = 10 * 1024 * 1024
SEQUENCE_WARNING, SEQUENCE_CRITICAL = 0.75, 0.9
# Wraparound stops writes at 2^31 transactions; autovacuum should keep the age near autovacuum_freeze_max_age.
XID_WARNING, XID_CRITICAL = 1_000_000_000, 1_500_000_000

# Bytes per row in a heap page beyond the tuple itself: its line pointer.
_LINE_POINTER = 4
ROW_WIDTH_SAMPLE = 1000


def _row_width(table: str) -> float | None:
    """The average stored row size of the table's first rows, header included; None when unreadable or empty.

    pg_stats hides the statistics of a table with row-level security from every role but its owner, so the
    rows themselves are measured. Values kept out of line (TOAST) count whole here, which overstates the row
    and understates bloat: the estimate errs towards no warning.
    """
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("SELECT avg(pg_column_size(r.*))::float FROM (SELECT * FROM {} LIMIT %s) r").format(
                    sql.Identifier(table)
                ),
                [ROW_WIDTH_SAMPLE],
            )
            return cursor.fetchone()[0]
    except DatabaseError:
        return None  # a table the service role may not read (made by hand, say): its other figures still count


def _tables(result: Section) -> None:
    for table in rows(
        "SELECT c.relname, greatest(c.reltuples, 0)::bigint AS estimate, c.relpages::bigint * current_setting('block_size')::int"
        " AS heap_bytes, pg_total_relation_size(c.oid) AS total_bytes, s.n_live_tup, s.n_dead_tup, s.seq_scan,"
        " s.seq_tup_read, coalesce(s.idx_scan, 0) AS idx_scan,"
        " greatest(s.last_vacuum, s.last_autovacuum) AS vacuumed, greatest(s.last_analyze, s.last_autoanalyze) AS analyzed"
        " FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid"
        " WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY(%s) ORDER BY c.relname",
        [application_tables()],
    ):
        name = table["relname"]
        live, dead = table["n_live_tup"] or 0, table["n_dead_tup"] or 0
        dead_ratio = dead / (live + dead) if live + dead else 0.0
        bloat = None
        if table["estimate"] and table["heap_bytes"]:
            width = _row_width(name)
            if width is not None:
                bloat = max(table["heap_bytes"] - table["estimate"] * (width + _LINE_POINTER), 0)
        vacuumed = f"{table['vacuumed']:%Y-%m-%d %H:%M}" if table["vacuumed"] else "never"
        analyzed = f"{table['analyzed']:%Y-%m-%d %H:%M}" if table["analyzed"] else "never"
        detail = (
            f"~{table['estimate']} rows, {size_text(table['total_bytes'])}, dead {dead_ratio:.0%},"
            f" bloat ~{size_text(bloat) if bloat is not None else 'unknown'},"
            f" last vacuum {vacuumed}, last analyze {analyzed}"
        )
        result.add("table", Level.OK, name, detail)
        if dead > DEAD_ROWS_FLOOR and dead_ratio > DEAD_RATIO_WARNING:
            result.add(
                "dead tuples", Level.WARNING, name, f"{dead} dead rows ({dead_ratio:.0%}); {detail}",
                f"VACUUM (ANALYZE) {name}; and lower autovacuum_vacuum_scale_factor for it",
            )
        if bloat is not None and bloat > BLOAT_BYTES_FLOOR and bloat > BLOAT_RATIO_WARNING * table["heap_bytes"]:
            result.add(
                "bloat", Level.WARNING, name, f"~{size_text(bloat)} of {size_text(table['heap_bytes'])} is free space",
                f"pg_repack {name} (online), or VACUUM FULL {name} in a maintenance window",
            )
        if live > 1000 and table["analyzed"] is None:
            result.add(
                "never analysed", Level.WARNING, name, f"~{live} rows and no statistics: the planner guesses",
                f"ANALYZE {name};",
            )
        seq_scan = table["seq_scan"] or 0
        if table["estimate"] > HOTSPOT_ROWS and seq_scan and seq_scan > table["idx_scan"]:
            per_scan = (table["seq_tup_read"] or 0) // seq_scan
            if per_scan > HOTSPOT_ROWS:
                result.add(
                    "seq scan hotspot", Level.WARNING, name,
                    f"{seq_scan} sequential scans reading ~{per_scan} rows each, {table['idx_scan']} index scans",
                    "find the query in pg_stat_statements and index its filter",
                )


def _sequences(result: Section) -> None:
    # last_value is NULL when the reader may not see the sequence or it was never used.
    worst = None
    for sequence in rows(
        "SELECT sequencename, last_value, max_value FROM pg_sequences WHERE schemaname = 'public'"
        " AND last_value IS NOT NULL ORDER BY last_value::numeric / max_value DESC"
    ):
        used = sequence["last_value"] / sequence["max_value"]
        worst = worst or (sequence["sequencename"], used)
        if used > SEQUENCE_WARNING:
            result.add(
                "sequence exhaustion", Level.CRITICAL if used > SEQUENCE_CRITICAL else Level.WARNING,
                sequence["sequencename"], f"{used:.1%} used ({sequence['last_value']} of {sequence['max_value']})",
                "ALTER the column and its sequence to bigint before it runs out",
            )
    if worst is None or worst[1] <= SEQUENCE_WARNING:
        detail = f"the fullest, {worst[0]}, is {worst[1]:.4%} used" if worst else "no sequence used yet"
        result.add("sequence exhaustion", Level.OK, "sequences", detail)


def _transaction_ids(result: Section) -> None:
    (database,) = rows("SELECT age(datfrozenxid) AS age FROM pg_database WHERE datname = current_database()")
    oldest = rows(
        "SELECT relname, age(relfrozenxid) AS age FROM pg_class WHERE relnamespace = 'public'::regnamespace"
        " AND relkind IN ('r', 'm', 't') ORDER BY age(relfrozenxid) DESC LIMIT 1"
    )
    age = database["age"]
    detail = f"database xid age {age:,} of 2,147,483,647" + (
        f"; oldest table {oldest[0]['relname']} ({oldest[0]['age']:,})" if oldest else ""
    )
    level = Level.CRITICAL if age > XID_CRITICAL else Level.WARNING if age > XID_WARNING else Level.OK
    result.add(
        "transaction id age", level, "database", detail,
        "" if level == Level.OK else "VACUUM (FREEZE) the oldest tables; look for long transactions and stale slots",
    )


def section() -> Section:
    result = Section(NAME, TITLE)
    _tables(result)
    _sequences(result)
    _transaction_ids(result)
    return result

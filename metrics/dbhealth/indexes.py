"""Section 3, indexes: inventory with size and scans; unused, duplicate, redundant, invalid; unindexed foreign keys."""

from __future__ import annotations

from collections import defaultdict

from metrics.dbhealth.catalog import application_tables, rows, size_text
from metrics.dbhealth.report import Level, Section

NAME = "indexes"
TITLE = "Indexes"

# An index nobody scans costs every write; below this size it costs too little to be worth a warning
# (an empty table's indexes are all "unused").
UNUSED_SIZE_FLOOR = 1024 * 1024


def _indexes(tables: list[str]) -> list[dict]:
    found = rows(
        "SELECT c.relname AS table_name, i.relname AS index_name, i.oid::bigint AS oid, x.indisunique, x.indisprimary, x.indisvalid,"
        " x.indkey::text AS indkey, x.indclass::text AS indclass, x.indcollation::text AS indcollation,"
        " x.indoption::text AS indoption, coalesce(pg_get_expr(x.indexprs, x.indrelid), '') AS exprs,"
        " coalesce(pg_get_expr(x.indpred, x.indrelid), '') AS pred, am.amname,"
        " pg_relation_size(i.oid) AS size, coalesce(s.idx_scan, 0) AS scans,"
        " EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid) AS backs_constraint"
        " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid"
        " JOIN pg_am am ON am.oid = i.relam LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = x.indexrelid"
        " WHERE c.relnamespace = 'public'::regnamespace AND (c.relname = ANY(%s) OR c.relkind = 'm')"
        " ORDER BY c.relname, i.relname",
        [tables],
    )
    for index in found:
        index["columns"] = [int(n) for n in index["indkey"].split()]
        index["options"] = index["indoption"].split()
    return found


def _statistics_since() -> str:
    (row,) = rows("SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()")
    since = row["stats_reset"]
    return f"statistics since {since:%Y-%m-%d %H:%M} UTC" if since else "statistics since the database was created"


def _inventory_and_unused(result: Section, indexes: list[dict]) -> None:
    since = _statistics_since()
    for index in indexes:
        detail = f"on {index['table_name']}, {size_text(index['size'])}, {index['scans']} scans ({since})"
        unused = index["scans"] == 0 and not (index["indisunique"] or index["backs_constraint"])
        if unused and index["size"] >= UNUSED_SIZE_FLOOR:
            result.add(
                "unused", Level.WARNING, index["index_name"], f"never scanned: {detail}",
                f"if the statistics cover a full business cycle: DROP INDEX CONCURRENTLY {index['index_name']};",
            )
        else:
            result.add("index", Level.OK, index["index_name"], detail)
        if not index["indisvalid"]:
            result.add(
                "invalid", Level.CRITICAL, index["index_name"],
                f"on {index['table_name']}: invalid (a failed CREATE INDEX CONCURRENTLY); never used, still written",
                f"REINDEX INDEX CONCURRENTLY {index['index_name']}; or drop it",
            )


def _duplicates_and_prefixes(result: Section, indexes: list[dict]) -> None:
    same = defaultdict(list)
    for index in indexes:
        key = (index["table_name"], index["indkey"], index["indclass"], index["indcollation"], index["indoption"],
               index["exprs"], index["pred"], index["amname"])
        same[key].append(index)
    for group in same.values():
        # Keep the one that enforces something, else the oldest; report the others.
        group.sort(key=lambda i: (not (i["indisunique"] or i["backs_constraint"]), i["oid"]))
        for extra in group[1:]:
            result.add(
                "duplicate", Level.WARNING, extra["index_name"],
                f"same definition as {group[0]['index_name']} on {extra['table_name']}",
                f"DROP INDEX CONCURRENTLY {extra['index_name']};",
            )
    plain = [i for i in indexes if i["amname"] == "btree" and not i["exprs"] and not i["pred"]]
    for shorter in plain:
        if shorter["indisunique"] or shorter["backs_constraint"]:
            continue
        n = len(shorter["columns"])
        for longer in plain:
            if (
                longer is not shorter
                and longer["table_name"] == shorter["table_name"]
                and len(longer["columns"]) > n
                and longer["columns"][:n] == shorter["columns"]
                and longer["options"][:n] == shorter["options"]
            ):
                result.add(
                    "redundant", Level.WARNING, shorter["index_name"],
                    f"its columns lead {longer['index_name']} on {shorter['table_name']}, which serves the same lookups",
                    f"DROP INDEX CONCURRENTLY {shorter['index_name']};",
                )
                break


def _foreign_keys(result: Section, tables: list[str], indexes: list[dict]) -> None:
    leading = defaultdict(list)
    for index in indexes:
        if index["indisvalid"] and not index["pred"]:
            leading[index["table_name"]].append(index["columns"])
    for fk in rows(
        "SELECT k.conname, c.relname AS table_name, k.conkey::int[] AS conkey,"
        " (SELECT string_agg(a.attname, ', ') FROM pg_attribute a"
        "   WHERE a.attrelid = k.conrelid AND a.attnum = ANY(k.conkey)) AS column_names"
        " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
        " WHERE k.contype = 'f' AND c.relname = ANY(%s) AND c.relnamespace = 'public'::regnamespace ORDER BY 1",
        [tables],
    ):
        n = len(fk["conkey"])
        if not any(sorted(columns[:n]) == sorted(fk["conkey"]) for columns in leading[fk["table_name"]]):
            result.add(
                "unindexed foreign key", Level.WARNING, f"{fk['table_name']}.{fk['conname']}",
                f"no index leads with ({fk['column_names']}): a delete on the parent scans {fk['table_name']}",
                f"CREATE INDEX CONCURRENTLY ON {fk['table_name']} ({fk['column_names']});",
            )
    for constraint in rows(
        "SELECT k.conname, c.relname AS table_name FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
        " WHERE NOT k.convalidated AND c.relnamespace = 'public'::regnamespace ORDER BY 1"
    ):
        result.add(
            "invalid constraint", Level.WARNING, f"{constraint['table_name']}.{constraint['conname']}",
            "NOT VALID: existing rows were never checked",
            f"ALTER TABLE {constraint['table_name']} VALIDATE CONSTRAINT {constraint['conname']};",
        )


def section() -> Section:
    result = Section(NAME, TITLE)
    tables = application_tables()
    indexes = _indexes(tables)
    _inventory_and_unused(result, indexes)
    _duplicates_and_prefixes(result, indexes)
    _foreign_keys(result, tables, indexes)
    return result

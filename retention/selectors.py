"""Reads for backups, restores and retention."""

from django.db import connections

from retention.tables import SCHEMA_APPS


def migration_state(*, using: str = "default") -> dict[str, list[str]]:
    """{app: [applied migration names, sorted]} for the apps that shape the backed-up tables."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT app, name FROM django_migrations WHERE app = ANY(%s) ORDER BY app, name", [list(SCHEMA_APPS)]
        )
        state: dict[str, list[str]] = {}
        for app, name in cursor.fetchall():
            state.setdefault(app, []).append(name)
    return state


def table_columns(table: str, *, using: str = "default") -> list[list[str]]:
    """[[column, type], ...] of `table` in column order: what a data file's rows hold."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
            " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            [table],
        )
        return [[name, kind] for name, kind in cursor.fetchall()]

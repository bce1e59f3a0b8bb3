"""Catalog reads the sections share: rows as dicts, and which relations are the application's own."""

from __future__ import annotations

from django.db import connection

from hotdash.framework_grants import framework_tables


def rows(sql: str, params=None) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def application_tables() -> list[str]:
    """Every ordinary or partitioned table in `public` that is not Django's or a library's own.

    Read from the catalog, not from the models: a table created by hand (or by a migration without a model)
    is exactly what the report must not miss.
    """
    names = rows(
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')"
        " ORDER BY c.relname"
    )
    framework = set(framework_tables()) | {"django_migrations"}
    return [row["relname"] for row in names if row["relname"] not in framework]


def size_text(size: int | None) -> str:
    size = size or 0
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} GB"

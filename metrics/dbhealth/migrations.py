"""Section 1, migrations: unapplied, without a reverse, dangerous operations in unapplied ones, SQL files changed."""

from __future__ import annotations

import re

from django.db import connection, migrations
from django.db.migrations.executor import MigrationExecutor
from django.db.models.fields import NOT_PROVIDED

from hotdash.framework_grants import DOMAIN_APPS
from hotdash.sql_files import sql_files_check
from metrics.dbhealth.report import Level, Section

NAME = "migrations"
TITLE = "Migrations"

# Raw SQL that locks or breaks a busy table (squawk's rules, in short).
_DANGEROUS_SQL = [
    (re.compile(r"\bCREATE\s+(UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY)", re.I), "creates an index without CONCURRENTLY"),
    (re.compile(r"\bDROP\s+(TABLE|COLUMN)\b", re.I), "drops a table or column"),
    (re.compile(r"\bRENAME\b", re.I), "renames"),
    (re.compile(r"\bSET\s+NOT\s+NULL\b", re.I), "sets NOT NULL (a full scan under an exclusive lock)"),
]


def operation_dangers(operation) -> list[str]:
    """What an operation would do to a table in use (django-migration-linter's and squawk's checks)."""
    match operation:
        case migrations.AddField(field=field) if not field.null and not field.has_default() and (
            field.db_default is NOT_PROVIDED
        ):
            return [f"adds NOT NULL column {operation.name} without a default"]
        case migrations.RemoveField() | migrations.DeleteModel():
            return [f"drops {getattr(operation, 'name', '')}: running code still reads it"]
        case migrations.RenameField() | migrations.RenameModel():
            return ["renames: running code still uses the old name"]
        case migrations.AddIndex():
            return [f"creates index {operation.index.name} without CONCURRENTLY (writes wait)"]
        case migrations.AlterField(field=field) if not field.null:
            return [f"alters {operation.name} (NOT NULL or a type change rewrites or scans the table)"]
        case migrations.RunSQL():
            text = " ".join(operation.sql if isinstance(operation.sql, list | tuple) else [str(operation.sql)])
            return [reason for pattern, reason in _DANGEROUS_SQL if pattern.search(text)]
    return []


def section() -> Section:
    result = Section(NAME, TITLE)
    executor = MigrationExecutor(connection)
    loader = executor.loader
    plan = executor.migration_plan(loader.graph.leaf_nodes())
    unapplied = [migration for migration, backwards in plan if not backwards]
    for migration in unapplied:
        result.add(
            "unapplied", Level.CRITICAL, f"{migration.app_label}.{migration.name}",
            "on disk, not applied: the code expects a schema this database does not have",
            "run `python manage.py migrate` (it connects with DATABASE_OWNER_URL)",
        )
        for operation in migration.operations:
            for danger in operation_dangers(operation):
                result.add(
                    "dangerous operation", Level.WARNING, f"{migration.app_label}.{migration.name}", danger,
                    "split it: add nullable / with a default, backfill, then constrain; build indexes CONCURRENTLY"
                    " (atomic = False); drop only after no running code reads the column",
                )
    if not unapplied:
        result.add("unapplied", Level.OK, "schema", f"all {len(loader.applied_migrations)} migrations applied")

    ours = sorted(key for key in loader.disk_migrations if key[0] in DOMAIN_APPS)
    irreversible = [
        key for key in ours if any(not operation.reversible for operation in loader.disk_migrations[key].operations)
    ]
    for app_label, name in irreversible:
        result.add(
            "without reverse", Level.WARNING, f"{app_label}.{name}",
            "an operation has no reverse: the migration cannot be rolled back",
            "give RunPython a reverse_code and RunSQL a reverse_sql",
        )
    if not irreversible:
        result.add("without reverse", Level.OK, "schema", f"all {len(ours)} migrations of our apps roll back")

    problems = sql_files_check()
    for problem in problems:
        level = Level.WARNING if problem.problem == "unlisted" else Level.CRITICAL
        result.add(
            "sql file", level, problem.path,
            {
                "changed": "changed after a migration applied it: fresh databases and old ones differ",
                "missing": "listed in sql.sha256, not on disk",
                "unlisted": "not in sql.sha256",
            }[problem.problem],
            "restore the applied file and put the change in a new numbered file and migration"
            if problem.problem != "unlisted"
            else "`sha256sum <app>/sql/NNNN_name.sql >> sql.sha256`",
        )
    if not problems:
        result.add("sql file", Level.OK, "sql.sha256", "every applied SQL file is unchanged")
    return result

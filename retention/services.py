"""Writes: backups, restores, retention runs and purges (docs/retention.md).

Backups read as the service role on the runtime connection (COPY ... TO honours row-level security, and
the service reads every row). A restore writes as the owner connection: PostgreSQL refuses COPY FROM into a
table with row-level security, so rows are copied into a temporary table first and inserted from there.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from psycopg import sql

from hotdash.db_context import Role, acting_as
from retention.backup_files import BackupFileError, RunDirectory, backup_set_open
from retention.selectors import migration_state, table_columns
from retention.tables import BY_NAME, DEFAULT_BACKUP_TABLES, column_list, tables_check

# pg_advisory_lock key shared by retention runs, purges and restores: one of them at a time.
ADVISORY_LOCK_KEY = 0x484F5444_52455431  # "HOTDRET1"


class RestoreError(Exception):
    """A restore that was refused or failed; the database is as it was. The message is one readable line."""


def backup_root() -> Path:
    return Path(settings.HOTDASH_BACKUP_DIR)


def _copy_table_to(run: RunDirectory, cursor, table: str, *, label: str = "", where: sql.Composable | None = None):
    """COPY one table (or the rows `where` selects) into a new data file of `run`."""
    columns = table_columns(table)
    query = sql.SQL("SELECT {} FROM {}").format(column_list(columns), sql.Identifier(table))
    if where is not None:
        query = sql.SQL("{} WHERE {}").format(query, where)
    with cursor.copy(sql.SQL("COPY ({}) TO STDOUT").format(query)) as copy:
        return run.file_write(table, columns, copy, label=label)


def backup_create(*, tables=None, output: Path | None = None) -> RunDirectory:
    """Copy `tables` (default: the agent tables and the gold set) from one snapshot into a new run directory.

    Raises ValueError for an unknown table before anything is written. Keeps the newest
    HOTDASH_BACKUP_KEEP backups of the default root and removes older ones.
    """
    names = tables_check(tables or DEFAULT_BACKUP_TABLES)
    root = Path(output) if output else backup_root()
    connection = connections["default"]
    outermost = not connection.in_atomic_block
    run = None
    try:
        with transaction.atomic():
            if outermost:
                # Every table from the same snapshot, so an audit row never outlives its approval in a backup.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            with acting_as(Role.SERVICE), connection.cursor() as cursor:
                run = RunDirectory.create(root, "backup", migration_state())
                for name in names:
                    _copy_table_to(run, cursor, name)
        run.complete()
    except BaseException:
        # A backup that did not finish is no backup: leave nothing that looks like one.
        if run is not None:
            shutil.rmtree(run.path, ignore_errors=True)
        raise
    if output is None:
        backups_prune(root, keep=settings.HOTDASH_BACKUP_KEEP)
    return run


def backups_prune(root: Path, *, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backup directories (retention and purge directories are kept)."""
    backups = sorted(path for path in root.glob("backup-*") if path.is_dir())
    removed = backups[: max(len(backups) - keep, 0)]
    for path in removed:
        shutil.rmtree(path)
    return removed


@dataclass(frozen=True)
class RestoredTable:
    table: str
    rows: int  # rows in the backup
    inserted: int  # of which were missing and are back
    present: int  # of which already existed and were left alone


def _migrations_ahead(backup_state: dict, current: dict) -> list[str]:
    return [
        f"{app}.{name}"
        for app, names in sorted(backup_state.items())
        for name in names
        if name not in current.get(app, ())
    ]


def backup_restore(path: Path, *, tables=None) -> list[RestoredTable]:
    """Bring back the rows of a backup (or a retention run) that are missing, in one transaction.

    Every checksum is verified and the schema compared before the database is touched; rows whose primary
    key exists are left alone, so restoring twice changes nothing. Raises RestoreError (or ValueError for
    an unknown table); the database is then unchanged.
    """
    try:
        backup = backup_set_open(Path(path))
    except BackupFileError as exc:
        raise RestoreError(str(exc)) from None
    names = tables_check(tables or backup.tables)
    absent = [name for name in names if name not in backup.tables]
    if absent:
        raise RestoreError(f"{absent[0]} is not in this backup (it holds {', '.join(backup.tables) or 'nothing'})")

    using = "owner"
    ahead = _migrations_ahead(backup.manifest["migrations"], migration_state(using=using))
    if ahead:
        raise RestoreError(
            f"the backup comes from a newer schema: {ahead[0]}{f' and {len(ahead) - 1} more' if len(ahead) > 1 else ''}"
            " not applied here; migrate first"
        )
    for name in names:
        if table_columns(name, using=using) != backup.columns(name):
            raise RestoreError(f"{name}: the backup's columns differ from the table's (an incompatible schema)")

    try:
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise RestoreError("a retention run, purge or restore is in progress; try again when it ends")
            return [_table_restore(cursor, backup, name) for name in names]
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RestoreError(f"restore failed, nothing changed: {first_line}") from None


def _table_restore(cursor, backup, name: str) -> RestoredTable:
    spec = BY_NAME[name]
    columns = column_list(backup.columns(name))
    table, staging, key = sql.Identifier(name), sql.Identifier(f"restore_{name}"), sql.Identifier(spec.key)
    cursor.execute(sql.SQL("CREATE TEMP TABLE {} (LIKE {}) ON COMMIT DROP").format(staging, table))
    for entry in backup.files_of(name):
        with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(staging, columns)) as copy:
            for block in backup.blocks(entry):
                copy.write(block)
    expected = sum(entry["rows"] for entry in backup.files_of(name))
    cursor.execute(sql.SQL("SELECT count(*), count(DISTINCT {}) FROM {}").format(key, staging))
    loaded, distinct = cursor.fetchone()
    if loaded != expected:
        raise RestoreError(f"{name}: the files hold {loaded} rows, the manifest says {expected}")
    cursor.execute(
        sql.SQL("INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE SELECT {} FROM {} ON CONFLICT DO NOTHING").format(
            table, columns, columns, staging
        )
    )
    inserted = cursor.rowcount
    # Afterwards every row of the backup is in the table: restored now, or there already.
    cursor.execute(
        sql.SQL("SELECT count(DISTINCT s.{key}) FROM {staging} s WHERE EXISTS (SELECT FROM {table} t WHERE t.{key} = s.{key})").format(
            key=key, staging=staging, table=table
        )
    )
    (found,) = cursor.fetchone()
    if found != distinct:
        raise RestoreError(
            f"{name}: {distinct - found} row(s) of the backup could not be restored (another unique value is taken)"
        )
    # Restored ids must not be handed out again.
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [name, spec.key])
    (sequence,) = cursor.fetchone()
    if sequence:
        cursor.execute(
            sql.SQL("SELECT setval(%s, GREATEST((SELECT max({key}) FROM {table}), (SELECT last_value FROM {seq})))").format(
                key=key, table=table, seq=sql.SQL(sequence)
            ),
            [sequence],
        )
    return RestoredTable(table=name, rows=loaded, inserted=inserted, present=distinct - inserted)

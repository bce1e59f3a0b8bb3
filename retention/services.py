"""Writes: backups, restores, retention runs and purges (docs/retention.md).

Backups read as the service role on the runtime connection (COPY ... TO honours row-level security, and
the service reads every row). A restore writes as the owner connection: PostgreSQL refuses COPY FROM into a
table with row-level security, so rows are copied into a temporary table first and inserted from there.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from psycopg import sql

from hotdash.db_context import Role, acting_as
from metrics.services import observability_log_create
from retention.backup_files import BackupFileError, RunDirectory, backup_set_open
from retention.lease import Lease, LeaseBusy, lease_acquire, lease_hold_for_transaction
from retention.models import DataRun, PurgeRequest, PurgeStatus, RetentionPolicy, RetentionTable, RunKind, RunStatus
from retention.rules import Selection, selection_for
from retention.selectors import migration_state, table_columns
from retention.tables import BY_NAME, CHILDREN, DEFAULT_BACKUP_TABLES, PURGE_TABLES, column_list, tables_check


class RestoreError(Exception):
    """A restore that was refused or failed; the database is as it was. The message is one readable line."""


def backup_root() -> Path:
    return Path(settings.HOTDASH_BACKUP_DIR)


def _copy_table_to(
    run: RunDirectory, cursor, table: str, *, label: str = "", where: sql.Composable | None = None, params=None
):
    """COPY one table (or the rows `where` selects) into a new data file of `run`."""
    columns = table_columns(table)
    query = sql.SQL("SELECT {} FROM {}").format(column_list(columns), sql.Identifier(table))
    if where is not None:
        query = sql.SQL("{} WHERE {}").format(query, where)
    with cursor.copy(sql.SQL("COPY ({}) TO STDOUT").format(query), params) as copy:
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


def backup_run(*, tables=None, output: Path | None = None, started_by: str = "command") -> DataRun:
    """backup_create, recorded as a run (admin, with download links); ValueError for an unknown table first."""
    tables_check(tables or DEFAULT_BACKUP_TABLES)
    with acting_as(Role.SERVICE):
        record = DataRun.objects.create(kind=RunKind.BACKUP, started_by=started_by)
    try:
        run = backup_create(tables=tables, output=output)
    except Exception as exc:
        with acting_as(Role.SERVICE):
            DataRun.objects.filter(pk=record.pk).update(
                status=RunStatus.FAILED, error=_one_line(exc), finished_at=timezone.now()
            )
        raise
    with acting_as(Role.SERVICE):
        DataRun.objects.filter(pk=record.pk).update(
            status=RunStatus.SUCCEEDED,
            finished_at=timezone.now(),
            directory=str(run.path),
            report={data_file.table: {"rows": data_file.rows} for data_file in run.files},
            files=[data_file.as_json() for data_file in run.files],
        )
        record.refresh_from_db()
    return record


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
            try:
                # The lease row stays locked until this transaction ends: no run or purge starts meanwhile.
                lease_hold_for_transaction(cursor)
            except LeaseBusy as exc:
                raise RestoreError(f"{exc}; try again when it ends") from None
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


# --- Retention -----------------------------------------------------------------------------------------

CHUNK_ROWS_MAX = 10_000


class RetentionError(Exception):
    """A retention run or purge that could not start or stopped; the message is one readable line."""


class RetentionBusy(RetentionError):
    """Another retention run, purge or restore holds the retention lease (retention.lease)."""


def _selection_count(cursor, selection: Selection) -> dict:
    """examined, kept per exception (a row kept by two exceptions counts in both) and deletable, in one scan."""
    counts = [sql.SQL("count(*) FILTER (WHERE {})").format(c) for c in selection.exceptions.values()]
    query = sql.SQL("SELECT {} FROM {} t WHERE {}").format(
        sql.SQL(", ").join([sql.SQL("count(*)"), *counts, sql.SQL("count(*) FILTER (WHERE {})").format(selection.deletable)]),
        sql.Identifier(selection.table),
        selection.examined,
    )
    cursor.execute(query, selection.params)
    examined, *kept, deletable = cursor.fetchone()
    return {"examined": examined, "kept": dict(zip(selection.exceptions, kept, strict=True)), "deletable": deletable}


def _delete_in_chunks(
    *, run: RunDirectory, record: DataRun, lease: Lease, report: dict, table: str, where: sql.Composable, params: dict,
    chunk_rows: int,
) -> int:
    """Back up, then delete, the rows of `table` matching `where`, at most `chunk_rows` per transaction.

    Each chunk: lock the rows (FOR UPDATE SKIP LOCKED: rows someone is editing wait for the next run), write
    them and their children to data files that are fsynced and named in the manifest, delete children then
    parents checking each count against the file, record the progress, commit. A process killed anywhere in a
    chunk leaves its rows either in the table, or deleted and in a manifest-named file. Each chunk's transaction
    first renews the run's lease (retention.lease): a run that lost it commits no further chunk.
    """
    connection = connections["default"]
    children = CHILDREN.get(table, ())
    entry = report["tables"][table]
    chunk = 0
    while True:
        with acting_as(Role.SERVICE), connection.cursor() as cursor:
            lease.renew(cursor)
            cursor.execute(
                sql.SQL("SELECT t.id FROM {} t WHERE {} LIMIT %(chunk_rows)s FOR UPDATE OF t SKIP LOCKED").format(
                    sql.Identifier(table), where
                ),
                {**params, "chunk_rows": chunk_rows},
            )
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return entry["deleted"]
            chunk += 1
            label = f"{record.pk}-{chunk:05d}"
            for child, column in children:
                child_where = sql.SQL("{} = ANY(%(ids)s)").format(sql.Identifier(column))
                written = _copy_table_to(run, cursor, child, label=label, where=child_where, params={"ids": ids})
                cursor.execute(sql.SQL("DELETE FROM {} WHERE {}").format(sql.Identifier(child), child_where), {"ids": ids})
                if cursor.rowcount != written.rows:
                    raise RetentionError(f"{child}: deleted {cursor.rowcount} rows but backed up {written.rows}; rolled back")
            written = _copy_table_to(run, cursor, table, label=label, where=sql.SQL("id = ANY(%(ids)s)"), params={"ids": ids})
            cursor.execute(sql.SQL("DELETE FROM {} WHERE id = ANY(%(ids)s)").format(sql.Identifier(table)), {"ids": ids})
            if not cursor.rowcount == written.rows == len(ids):
                raise RetentionError(
                    f"{table}: locked {len(ids)} rows, backed up {written.rows}, deleted {cursor.rowcount}; rolled back"
                )
            entry["deleted"] += len(ids)
            DataRun.objects.filter(pk=record.pk).update(
                report=report["tables"], files=[data_file.as_json() for data_file in run.files]
            )


def _policies(tables) -> list[RetentionPolicy]:
    if tables:
        for name in tables:
            if name not in RetentionTable.values:
                raise ValueError(f"no retention policy for table {name!r}; expected one of {', '.join(RetentionTable.values)}")
    with acting_as(Role.SERVICE):
        policies = list(RetentionPolicy.objects.all())
    if tables:
        policies = [policy for policy in policies if policy.table in tables]
    return policies


def _chunk_rows() -> int:
    rows = settings.HOTDASH_RETENTION_CHUNK_ROWS
    if not 1 <= rows <= CHUNK_ROWS_MAX:
        raise ValueError(f"HOTDASH_RETENTION_CHUNK_ROWS must be between 1 and {CHUNK_ROWS_MAX}, not {rows}")
    return rows


def _run_start(kind: str, started_by: str) -> tuple[RunDirectory, DataRun]:
    with acting_as(Role.SERVICE):
        # We hold the lease, so a run still marked running is one whose process died (or lost the lease and
        # stops at its next chunk).
        DataRun.objects.filter(status=RunStatus.RUNNING, kind__in=[RunKind.RETENTION, RunKind.PURGE]).update(
            status=RunStatus.INTERRUPTED, finished_at=timezone.now(), error="the process ended before the run finished"
        )
        run = RunDirectory.create(backup_root(), kind, migration_state())
        record = DataRun.objects.create(kind=kind, started_by=started_by, directory=str(run.path))
    return run, record


def _run_finish(run: RunDirectory, record: DataRun, report: dict, error: BaseException | None, started: float) -> None:
    run.complete()
    report.update(
        run=record.pk,
        status=RunStatus.FAILED if error else RunStatus.SUCCEEDED,
        error=_one_line(error) if error else "",
        files=[data_file.as_json() for data_file in run.files],
        duration_seconds=round(time.monotonic() - started, 3),
    )
    deleted = sum(entry.get("deleted", 0) for entry in report["tables"].values())
    per_table = ", ".join(f"{table} {entry.get('deleted', 0)}" for table, entry in report["tables"].items())
    with acting_as(Role.SERVICE):
        DataRun.objects.filter(pk=record.pk).update(
            status=report["status"], error=report["error"], finished_at=timezone.now(),
            report=report["tables"], files=report["files"],
        )
        observability_log_create(
            level="ERROR" if error else "INFO",
            message=(
                f"{record.kind} run #{record.pk} {report['status']}: deleted {deleted} rows ({per_table or 'no table'})"
                f" in {report['duration_seconds']} s, backup in {run.path}"
                + (f"; error: {report['error']}" if error else "")
            ),
            metadata={"run": record.pk, "kind": record.kind, "tables": report["tables"], "directory": str(run.path)},
        )


def _one_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _locked_run(kind: str, started_by: str, report: dict, work) -> dict:
    """Run `work(run, record, lease)` holding the retention lease, with a directory, a record and a summary line."""
    connection = connections["default"]
    if connection.in_atomic_block:
        raise RuntimeError(f"a {kind} run commits chunk by chunk: call it outside any transaction")
    try:
        lease = lease_acquire(holder=f"{kind} started by {started_by}")
    except LeaseBusy as exc:
        raise RetentionBusy(f"{exc}; nothing was deleted") from None
    started = time.monotonic()
    try:
        run, record = _run_start(kind, started_by)
        report["directory"] = str(run.path)
        error = None
        try:
            work(run, record, lease)
        except Exception as exc:
            error = exc
        _run_finish(run, record, report, error, started)
        if error is not None:
            raise RetentionError(f"{kind} run #{record.pk} failed: {_one_line(error)}") from error
    finally:
        lease.release()
    return report


def retention_run(*, tables=None, dry_run: bool = False, started_by: str = "command") -> dict:
    """Apply the retention policies (all enabled ones, or those of `tables`) and return the run's report.

    A dry run only counts. A real run takes the retention lease (RetentionBusy when another run, purge or
    restore holds it), writes its directory under HOTDASH_BACKUP_DIR, is recorded in retention_runs and
    summarised in observability_logs. ValueError for a table without a policy, before anything happens.
    """
    policies = _policies(tables)
    chunk_rows = _chunk_rows()
    now = timezone.now()
    report: dict = {"kind": RunKind.RETENTION, "dry_run": dry_run, "directory": None, "tables": {}}
    if dry_run:
        with acting_as(Role.SERVICE), connections["default"].cursor() as cursor:
            for policy in policies:
                if not policy.enabled:
                    report["tables"][policy.table] = {"skipped": "policy disabled"}
                    continue
                counts = _selection_count(cursor, selection_for(policy, now))
                report["tables"][policy.table] = {
                    "examined": counts["examined"], "kept": counts["kept"], "would_delete": counts["deletable"]
                }
        return report

    def work(run, record, lease):
        for policy in policies:
            if not policy.enabled:
                report["tables"][policy.table] = {"skipped": "policy disabled"}
                continue
            selection = selection_for(policy, now)
            with acting_as(Role.SERVICE), connections["default"].cursor() as cursor:
                lease.renew(cursor)
                counts = _selection_count(cursor, selection)
            report["tables"][policy.table] = {"examined": counts["examined"], "kept": counts["kept"], "deleted": 0}
            _delete_in_chunks(
                run=run, record=record, lease=lease, report=report, table=policy.table,
                where=selection.deletable, params=selection.params, chunk_rows=chunk_rows,
            )

    return _locked_run(RunKind.RETENTION, started_by, report, work)


# --- Manual purges: two people -------------------------------------------------------------------------


class PurgeRefused(Exception):
    """A purge decision that is not allowed (its message says why, in one line); nothing changed."""


def purge_request_create(*, conversation_id: str, reason: str, requested_by: str) -> PurgeRequest:
    """File a request to delete every row of a conversation; it waits for a second operator."""
    errors = {}
    if not (conversation_id or "").strip():
        errors["conversation_id"] = "conversation_id is required"
    if not (reason or "").strip():
        errors["reason"] = "a reason is required (the erasure request it answers, for one)"
    if not (requested_by or "").strip():
        errors["requested_by"] = "requested_by is required"
    if errors:
        raise ValidationError(errors)
    return PurgeRequest.objects.create(
        conversation_id=conversation_id.strip(), reason=reason.strip(), requested_by=requested_by
    )


@transaction.atomic
def purge_decide(*, request_id: int, decided_by: str, approve: bool) -> PurgeRequest:
    """Approve or reject a pending request. The requester may not decide their own (PurgeRefused; the
    database's CHECK refuses it too, whoever writes)."""
    purge = PurgeRequest.objects.select_for_update().get(pk=request_id)
    if purge.status != PurgeStatus.PENDING:
        raise PurgeRefused(f"purge request #{purge.pk} is already {purge.status}")
    if decided_by == purge.requested_by:
        raise PurgeRefused(
            f"{decided_by} requested purge #{purge.pk} and cannot {'approve' if approve else 'reject'} it:"
            " another operator must"
        )
    purge.status = PurgeStatus.APPROVED if approve else PurgeStatus.REJECTED
    purge.decided_by = decided_by
    purge.decided_at = timezone.now()
    purge.save(update_fields=["status", "decided_by", "decided_at"])
    return purge


def purge_run(request_id: int) -> dict:
    """Delete every row of an approved request's conversation, backed up first, like a retention run."""
    with acting_as(Role.SERVICE):
        purge = PurgeRequest.objects.get(pk=request_id)
    if purge.status != PurgeStatus.APPROVED:
        raise PurgeRefused(f"purge request #{purge.pk} is {purge.status}, not approved: nothing runs")
    chunk_rows = _chunk_rows()
    where = sql.SQL("t.conversation_id = %(conversation_id)s")
    params = {"conversation_id": purge.conversation_id}
    report: dict = {"kind": RunKind.PURGE, "dry_run": False, "directory": None, "tables": {}, "request": purge.pk}

    def work(run, record, lease):
        with acting_as(Role.SERVICE):
            PurgeRequest.objects.filter(pk=purge.pk).update(run=record)
        for table in PURGE_TABLES:
            report["tables"][table] = {"examined": 0, "kept": {}, "deleted": 0}
            _delete_in_chunks(
                run=run, record=record, lease=lease, report=report, table=table, where=where, params=params,
                chunk_rows=chunk_rows,
            )
            report["tables"][table]["examined"] = report["tables"][table]["deleted"]

    try:
        _locked_run(RunKind.PURGE, f"purge #{purge.pk} approved by {purge.decided_by}", report, work)
    except RetentionBusy:
        raise  # nothing ran: the request stays approved and runs when queued again
    except RetentionError:
        with acting_as(Role.SERVICE):
            PurgeRequest.objects.filter(pk=purge.pk).update(status=PurgeStatus.FAILED)
        raise
    with acting_as(Role.SERVICE):
        PurgeRequest.objects.filter(pk=purge.pk).update(status=PurgeStatus.DONE)
    return report

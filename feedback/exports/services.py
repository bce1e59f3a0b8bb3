"""Running a training-data export: request it, run it (streamed, redacted), prune old files.

A run reads as the service role, redacts every free-text field, and writes the file and its manifest each to
a temporary name in the target directory, renamed into place only when complete: a failed run leaves no
half file, and its row says why it failed. Progress while running lives in the cache (Redis), so the run's
one long read transaction never has to commit to report it; the row gets the final count.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from datetime import timedelta
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from feedback.exports.filters import ExportFilters, ExportInputError, export_format_parse
from feedback.exports.records import RedactionPool, lines_redact, redaction_workers, stored_lines_key
from feedback.exports.redaction import Redactor
from feedback.exports.selectors import export_rows, export_rows_count, read_ahead
from feedback.exports.writers import EXTENSIONS, SCHEMA_VERSION, WRITERS, columns
from feedback.models import ExportStatus, TrainingExport
from hotdash.db_context import Role, acting_as

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (rows written, rows in total)
_PROGRESS_TTL = 24 * 3600


def _progress_key(export_id: int) -> str:
    return f"hotdash:training-export:{export_id}:progress"


def training_export_progress(export: TrainingExport) -> tuple[int, int | None]:
    """(rows written, rows in total) of an export: live from the cache while it runs, else from its row."""
    if export.status == ExportStatus.RUNNING:
        live = cache.get(_progress_key(export.pk))
        if live is not None:
            return live
    return export.rows_done, export.rows_total


def training_export_request(*, format: str, filters: ExportFilters, requested_by: str) -> TrainingExport:
    """Queue an export for the worker, as the caller's role; it is sent once the caller's transaction commits."""
    from feedback.tasks import training_export_task  # the task module imports this one

    export = TrainingExport.objects.create(
        format=export_format_parse(format), filters=filters.as_json(), requested_by=requested_by
    )
    transaction.on_commit(lambda: training_export_task.delay(export.pk))
    return export


def code_version() -> str:
    """The installed package's version, and the commit when running from a git checkout."""
    version = metadata.version("hotdash-console")
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True,
            timeout=5, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return version
    return f"{version}+{commit}" if commit else version


def export_target_path(export: TrainingExport) -> Path:
    dataset = export.filters.get("dataset", "drafts")
    return Path(settings.HOTDASH_EXPORT_DIR) / f"training-{dataset}-{export.pk:06d}.{EXTENSIONS[export.format]}"


def manifest_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def export_output_check(path: Path) -> Path:
    """Refuse, before any row is read, an output the process cannot write. Raises ExportInputError."""
    path = Path(path).expanduser().absolute()
    if path.is_dir():
        raise ExportInputError("output", f"{path} is a directory")
    if not path.parent.is_dir():
        raise ExportInputError("output", f"cannot write {path}: directory {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise ExportInputError("output", f"cannot write {path}: directory {path.parent} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise ExportInputError("output", f"cannot write {path}: the file exists and is not writable")
    return path


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_atomically(path: Path, write: Callable[[object], None]) -> None:
    """Write to a hidden temporary file beside `path`, fsync it, then rename it over `path`."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with temporary.open("wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextmanager
def _snapshot(outermost: bool):
    """The enclosing transaction, made one snapshot when this code opened it (inside a caller's transaction,
    the caller's isolation stands: it may already have read)."""
    if outermost:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    yield


def training_export_write(
    *, export_format: str, filters: ExportFilters, path: Path, redactor: Redactor, progress: Progress | None = None,
) -> dict:
    """Stream the rows into `path` (format as asked), then write its manifest beside it; returns the manifest.

    Reads as the service role in one read-only REPEATABLE READ transaction: one snapshot, so the rows counted
    (progress) are the rows written, whatever arrives meanwhile.
    """
    chunk_rows = settings.HOTDASH_EXPORT_CHUNK_ROWS
    dataset = filters.dataset
    started_at = timezone.now()
    written = 0

    def write(file) -> None:
        nonlocal written
        outermost = not connection.in_atomic_block
        with transaction.atomic(), _snapshot(outermost), acting_as(Role.SERVICE):
            stored_key = stored_lines_key(redactor)
            total, stored, stored_replaced = export_rows_count(filters, stored_key=stored_key)
            redactor.counts.update(stored_replaced)  # the stored lines are copied, not redacted again
            if progress is not None:
                progress(0, total)
            writer_class = WRITERS[export_format]
            kind = writer_class.line_kind
            workers = redaction_workers(
                settings.HOTDASH_EXPORT_WORKERS, settings.HOTDASH_EXPORT_WORKERS_MIN_ROWS, total
            )
            pool = RedactionPool(redactor, workers=workers) if workers else None
            writer = writer_class(file, dataset)
            chunks = export_rows(filters, kind=kind, chunk_rows=chunk_rows, stored_key=stored_key)
            if 2 * stored >= total:
                # Mostly copying: the database's pace counts, and reading ahead overlaps it with the writing.
                # Mostly redacting, the redactor is the pace, and chunks read ahead would only hold memory.
                chunks = read_ahead(chunks)
            made = (
                pool.map(dataset, kind, chunks) if pool
                else ((lines_redact(dataset, kind, rows, redactor), len(rows)) for rows in chunks)
            )
            try:
                for lines, size in made:
                    writer.write(lines)
                    written += size
                    if progress is not None:
                        progress(written, total)
                writer.close()  # parquet writes its last row group here, and may fail here
            except BaseException:
                writer.abandon()
                raise
            finally:
                chunks.close()  # stops the read-ahead thread now, before the transaction ends
                if pool is not None:
                    pool.close()

    _write_atomically(path, write)
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "dataset": filters.dataset,
        "format": export_format,
        "filters": filters.as_json(),
        "columns": columns(filters.dataset),
        "rows": written,
        "file": path.name,
        "bytes": path.stat().st_size,
        "sha256": _file_sha256(path),
        "redactions": dict(redactor.counts),
        "redaction_settings": redactor.settings(),
        "started_at": started_at.isoformat(),
        "finished_at": timezone.now().isoformat(),
        "code_version": code_version(),
    }
    body = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    try:
        _write_atomically(manifest_path_for(path), lambda file: file.write(body))
    except BaseException:
        path.unlink(missing_ok=True)  # a file without its manifest is not a dataset anyone can check
        raise
    return manifest


def redactor_from_settings() -> Redactor:
    return Redactor(regions=settings.HOTDASH_EXPORT_PHONE_REGIONS, leniency=settings.HOTDASH_EXPORT_PHONE_LENIENCY)


def training_export_run(export_id: int, *, output: Path | None = None, progress: Progress | None = None) -> TrainingExport:
    """Run a queued export to its end: succeeded with its manifest, or failed with its reason (never raises).

    `output` writes somewhere other than HOTDASH_EXPORT_DIR (the command's --output); `progress` is called
    per chunk, besides the cache the API and the admin read.
    """
    with acting_as(Role.SERVICE):
        export = TrainingExport.objects.select_for_update().get(pk=export_id)
        if export.status != ExportStatus.QUEUED:
            return export
        export.status, export.started_at = ExportStatus.RUNNING, timezone.now()
        export.save(update_fields=["status", "started_at"])
    try:
        training_exports_prune()
    except Exception:
        # Old files staying a little longer is no reason to fail (and leave "running") the export asked for now.
        logger.exception("pruning old training exports failed")

    def report(done: int, total: int) -> None:
        cache.set(_progress_key(export_id), (done, total), _PROGRESS_TTL)
        if progress is not None:
            progress(done, total)

    path = Path(output) if output else export_target_path(export)
    try:
        filters = ExportFilters.from_json(export.filters)
        path.parent.mkdir(parents=True, exist_ok=True)
        manifest = training_export_write(
            export_format=export.format, filters=filters, path=path, redactor=redactor_from_settings(),
            progress=report,
        )
    except Exception as exc:
        logger.exception("training export %s failed", export_id)
        with acting_as(Role.SERVICE):
            TrainingExport.objects.filter(pk=export_id).update(
                status=ExportStatus.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now()
            )
        cache.delete(_progress_key(export_id))
        return _reload(export_id)
    with acting_as(Role.SERVICE):
        TrainingExport.objects.filter(pk=export_id).update(
            status=ExportStatus.SUCCEEDED, manifest=manifest, rows_done=manifest["rows"], rows_total=manifest["rows"],
            file_path=str(path), finished_at=timezone.now(),
        )
    cache.delete(_progress_key(export_id))
    return _reload(export_id)


def _reload(export_id: int) -> TrainingExport:
    with acting_as(Role.SERVICE):
        return TrainingExport.objects.get(pk=export_id)


def training_exports_prune(*, now=None) -> int:
    """Delete the files (and manifests) of exports finished more than HOTDASH_EXPORT_KEEP_DAYS ago.

    Only files inside HOTDASH_EXPORT_DIR are deleted; a file the command wrote elsewhere (--output) is its
    owner's. The rows stay, with their manifests, marked pruned. Returns how many exports lost their file.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.HOTDASH_EXPORT_KEEP_DAYS)
    export_dir = Path(settings.HOTDASH_EXPORT_DIR).resolve()
    pruned = 0
    with acting_as(Role.SERVICE):
        old = TrainingExport.objects.filter(file_path__isnull=False, finished_at__lt=cutoff).select_for_update(
            skip_locked=True
        )
        for export in old:
            path = Path(export.file_path)
            if path.resolve().parent != export_dir:
                continue
            path.unlink(missing_ok=True)
            manifest_path_for(path).unlink(missing_ok=True)
            export.file_path, export.pruned_at = None, now
            export.save(update_fields=["file_path", "pruned_at"])
            pruned += 1
    return pruned


def export_download_path(export: TrainingExport) -> Path | None:
    """The file of a finished export, when it is still there and inside HOTDASH_EXPORT_DIR; else None."""
    if export.status != ExportStatus.SUCCEEDED or not export.file_path:
        return None
    path = Path(export.file_path).resolve()
    if path.parent != Path(settings.HOTDASH_EXPORT_DIR).resolve() or not path.is_file():
        return None
    return path

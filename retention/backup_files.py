"""The on-disk format shared by backups, retention runs and purges (docs/retention.md, "Formats").

One directory per run under the backup root. Each data file is PostgreSQL's COPY text format of one table
(or one chunk of it), gzip-compressed; `manifest.json` lists every data file with its table, row count and
the sha256 of the compressed bytes, the columns of each table and the migration state of the database the
rows came from. A data file is complete and on disk (fsync) before the manifest names it, and the manifest
is replaced atomically (write, fsync, rename, fsync the directory): a reader never sees a manifest that
names a file that is not whole.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

FORMAT = "hotdash-backup/1"
MANIFEST_NAME = "manifest.json"
READ_BLOCK = 1 << 20
# Level 3 compresses text-format rows about 5x at a small fraction of level 6's CPU time.
COMPRESS_LEVEL = 3


class BackupFileError(Exception):
    """A backup directory that cannot be used as it is: the message is one readable line."""


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(READ_BLOCK):
            digest.update(block)
    return digest.hexdigest()


class _HashingWriter:
    """The raw file under the gzip stream: hashes exactly the bytes that reach the disk."""

    def __init__(self, raw):
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


@dataclass
class DataFile:
    table: str
    name: str
    rows: int
    sha256: str
    bytes: int

    def as_json(self) -> dict:
        return {"table": self.table, "name": self.name, "rows": self.rows, "sha256": self.sha256, "bytes": self.bytes}


@dataclass
class RunDirectory:
    """A run's directory being written: data files first, then the manifest that names them."""

    path: Path
    kind: str
    migrations: dict[str, list[str]]
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    columns: dict[str, list[list[str]]] = field(default_factory=dict)
    files: list[DataFile] = field(default_factory=list)
    completed_at: datetime | None = None

    @classmethod
    def create(cls, root: Path, kind: str, migrations: dict[str, list[str]]) -> RunDirectory:
        created_at = datetime.now(UTC)
        root.mkdir(parents=True, exist_ok=True)
        # Microseconds: names sort in creation order (pruning keeps the newest), even for runs a second apart.
        path = root / f"{kind}-{created_at:%Y%m%dT%H%M%S.%f}Z-{secrets.token_hex(3)}"
        path.mkdir()
        _fsync_directory(root)
        run = cls(path=path, kind=kind, migrations=migrations, created_at=created_at)
        run.manifest_write()
        return run

    def file_write(self, table: str, columns: list[list[str]], blocks: Iterable[bytes], *, label: str = "") -> DataFile:
        """Write one data file from COPY output blocks, fsync it, then name it in the manifest."""
        self.columns.setdefault(table, columns)
        if self.columns[table] != columns:
            raise BackupFileError(f"{table}: columns changed during the run")
        name = f"{table}{'.' + label if label else ''}.copy.gz"
        path = self.path / name
        rows = 0
        with path.open("xb") as raw:
            hashing = _HashingWriter(raw)
            with gzip.GzipFile(filename="", mode="wb", fileobj=hashing, compresslevel=COMPRESS_LEVEL, mtime=0) as gz:
                # COPY hands over one row per block: gathering a megabyte before counting and compressing
                # makes the per-call cost vanish (it was most of a backup's time).
                pending = bytearray()
                for block in blocks:
                    pending += block
                    if len(pending) >= READ_BLOCK:
                        # COPY text format ends every row with a newline and escapes newlines inside values.
                        rows += pending.count(b"\n")
                        gz.write(pending)
                        pending.clear()
                rows += pending.count(b"\n")
                gz.write(pending)
            raw.flush()
            os.fsync(raw.fileno())
        data_file = DataFile(table=table, name=name, rows=rows, sha256=hashing.digest.hexdigest(), bytes=hashing.size)
        self.files.append(data_file)
        self.manifest_write()
        return data_file

    def complete(self) -> None:
        self.completed_at = datetime.now(UTC)
        self.manifest_write()

    def manifest(self) -> dict:
        return {
            "format": FORMAT,
            "kind": self.kind,
            "created_at": self.created_at.isoformat(),
            "completed_at": self.completed_at.isoformat() if self.completed_at else None,
            "migrations": self.migrations,
            "tables": {table: {"columns": columns} for table, columns in self.columns.items()},
            "files": [data_file.as_json() for data_file in self.files],
        }

    def manifest_write(self) -> None:
        partial = self.path / (MANIFEST_NAME + ".partial")
        with partial.open("w") as out:
            json.dump(self.manifest(), out, indent=2)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(self.path / MANIFEST_NAME)
        _fsync_directory(self.path)


@dataclass(frozen=True)
class BackupSet:
    """A run directory read back and checked: every file present and matching its checksum."""

    path: Path
    manifest: dict

    @property
    def tables(self) -> list[str]:
        return list(dict.fromkeys(entry["table"] for entry in self.manifest["files"]))

    def columns(self, table: str) -> list[list[str]]:
        return self.manifest["tables"][table]["columns"]

    def files_of(self, table: str) -> list[dict]:
        return [entry for entry in self.manifest["files"] if entry["table"] == table]

    def blocks(self, entry: dict) -> Iterator[bytes]:
        with gzip.open(self.path / entry["name"], "rb") as source:
            while block := source.read(READ_BLOCK):
                yield block


def backup_set_open(path: Path) -> BackupSet:
    """Read `path`'s manifest and check every data file's sha256; BackupFileError on the first problem."""
    if not path.is_dir():
        raise BackupFileError(f"{path}: not a backup directory")
    manifest_path = path / MANIFEST_NAME
    try:
        manifest = json.loads(manifest_path.read_text())
    except FileNotFoundError:
        raise BackupFileError(f"{path}: no {MANIFEST_NAME}") from None
    except (OSError, ValueError) as exc:
        raise BackupFileError(f"{manifest_path}: unreadable ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupFileError(f"{manifest_path}: not a {FORMAT} manifest")
    try:
        for entry in manifest["files"]:
            table, name, rows, digest = entry["table"], entry["name"], entry["rows"], entry["sha256"]
            if not isinstance(rows, int) or "/" in name or name.startswith("."):
                raise BackupFileError(f"{manifest_path}: bad entry for {name!r}")
            if table not in manifest["tables"]:
                raise BackupFileError(f"{manifest_path}: {name} names table {table!r} without its columns")
            file_path = path / name
            if not file_path.is_file():
                raise BackupFileError(f"{file_path}: missing")
            if _sha256_of(file_path) != digest:
                raise BackupFileError(f"{file_path}: sha256 does not match the manifest (changed or damaged)")
        if not isinstance(manifest["migrations"], dict):
            raise BackupFileError(f"{manifest_path}: migrations is not an object")
    except (KeyError, TypeError, AttributeError) as exc:
        raise BackupFileError(f"{manifest_path}: missing or malformed field {exc}") from None
    return BackupSet(path=path, manifest=manifest)

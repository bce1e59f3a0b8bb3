"""Applied SQL files never change: `sql.sha256` at the checkout's root pins each one.

A migration reads its SQL from `<app>/sql/NNNN_*.sql` when it runs; a database that applied a file never sees a
later edit of it, so an edit would make fresh databases and old ones differ. A change is a new file and a new
migration; adding a file is `sha256sum <app>/sql/NNNN_name.sql >> sql.sha256`.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
MANIFEST = BASE_DIR / "sql.sha256"
MIGRATION_SQL_GLOB = "*/sql/[0-9]*.sql"


@dataclass(frozen=True)
class SqlFileProblem:
    path: str
    problem: str  # "changed", "missing" (listed, not on disk) or "unlisted" (on disk, not in the manifest)


def sql_manifest_read(manifest: Path = MANIFEST) -> dict[str, str]:
    """{relative path: sha256} from lines in `sha256sum` format."""
    entries = {}
    for line in manifest.read_text().splitlines():
        if line.strip():
            digest, path = line.split(maxsplit=1)
            entries[path.lstrip("*")] = digest
    return entries


def sql_files_check(base_dir: Path = BASE_DIR, manifest: Path = MANIFEST) -> list[SqlFileProblem]:
    """Every migration SQL file against the manifest; an empty list when all agree."""
    listed = sql_manifest_read(manifest)
    on_disk = {str(path.relative_to(base_dir)): path for path in sorted(base_dir.glob(MIGRATION_SQL_GLOB))}
    problems = []
    for name, digest in sorted(listed.items()):
        if name not in on_disk:
            problems.append(SqlFileProblem(name, "missing"))
        elif hashlib.sha256(on_disk[name].read_bytes()).hexdigest() != digest:
            problems.append(SqlFileProblem(name, "changed"))
    problems.extend(SqlFileProblem(name, "unlisted") for name in on_disk if name not in listed)
    return problems

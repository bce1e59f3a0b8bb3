"""Applied SQL files never change: sql.sha256 pins them (hotdash/sql_files.py)."""

import shutil
from pathlib import Path

from hotdash.sql_files import BASE_DIR, MANIFEST, SqlFileProblem, sql_files_check


def test_every_migration_sql_file_matches_the_manifest():
    assert sql_files_check() == []


def test_every_sql_file_a_migration_reads_is_numbered_and_listed():
    """Migrations find their SQL as <app>/sql/NNNN_*.sql; the manifest must cover each file they name."""
    listed = {line.split(maxsplit=1)[1] for line in MANIFEST.read_text().splitlines() if line.strip()}
    named = set()
    for migration in BASE_DIR.glob("*/migrations/[0-9]*.py"):
        text = migration.read_text()
        for sql_file in (migration.parent.parent / "sql").glob("*.sql"):
            if f'"{sql_file.name}"' in text:
                named.add(str(sql_file.relative_to(BASE_DIR)))
    assert named, "no migration names an SQL file: the search above is broken"
    assert named <= listed


def _copy(tmp_path: Path) -> Path:
    for path in BASE_DIR.glob("*/sql/*.sql"):
        target = tmp_path / path.relative_to(BASE_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    shutil.copy(MANIFEST, tmp_path / "sql.sha256")
    return tmp_path


def test_an_edited_applied_file_is_reported(tmp_path):
    root = _copy(tmp_path)
    edited = root / "approvals" / "sql" / "0008_narrow_rows.sql"
    edited.write_text(edited.read_text() + "-- a later edit\n")
    assert sql_files_check(root, root / "sql.sha256") == [SqlFileProblem("approvals/sql/0008_narrow_rows.sql", "changed")]


def test_a_new_file_outside_the_manifest_is_reported(tmp_path):
    root = _copy(tmp_path)
    (root / "metrics" / "sql" / "0099_new.sql").write_text("SELECT 1;\n")
    assert sql_files_check(root, root / "sql.sha256") == [SqlFileProblem("metrics/sql/0099_new.sql", "unlisted")]

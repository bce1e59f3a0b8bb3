import gzip
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hotdash.db_context import Role, acting_as
from metrics.models import AgentQuery
from retention.backup_files import MANIFEST_NAME
from retention.services import backup_create, backup_restore
from retention.tables import DEFAULT_BACKUP_TABLES, TABLES
from tests.retention.data import all_digests, manage, owner_execute, rows_seed

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "owner"])
EVERY_TABLE = [spec.name for spec in TABLES]


def rows_delete_all() -> None:
    owner_execute("TRUNCATE " + ", ".join(EVERY_TABLE) + " CASCADE")


def test_backup_then_delete_then_restore_gives_back_every_column_of_every_row():
    rows_seed()
    before = all_digests()
    assert all(rows == 2 for rows, _ in before.values())

    run = backup_create(tables=EVERY_TABLE)
    rows_delete_all()
    assert all(rows == 0 for rows, _ in all_digests().values())
    restored = backup_restore(run.path)

    assert all_digests() == before
    assert {(t.table, t.rows, t.inserted, t.present) for t in restored} == {(t, 2, 2, 0) for t in EVERY_TABLE}


def test_the_manifest_names_each_file_with_its_rows_checksum_columns_and_migration_state():
    rows_seed()

    run = backup_create()

    manifest = json.loads((run.path / MANIFEST_NAME).read_text())
    assert manifest["format"] == "hotdash-backup/1" and manifest["kind"] == "backup"
    assert manifest["completed_at"] is not None
    assert [entry["table"] for entry in manifest["files"]] == [
        spec.name for spec in TABLES if spec.name in DEFAULT_BACKUP_TABLES
    ]
    assert all(entry["rows"] == 2 and len(entry["sha256"]) == 64 for entry in manifest["files"])
    assert manifest["tables"]["agent_feedback"]["columns"][0] == ["id", "bigint"]
    assert "0007_expiry_schedule" in manifest["migrations"]["approvals"]
    # The data files are PostgreSQL's COPY text format, gzip-compressed: readable with zcat.
    with gzip.open(run.path / "agent_feedback.copy.gz", "rt") as data:
        assert len(data.read().splitlines()) == 2


def test_restoring_twice_adds_nothing_the_second_time():
    rows_seed()
    run = backup_create(tables=EVERY_TABLE)
    before = all_digests()

    restored = backup_restore(run.path)

    assert all_digests() == before
    assert all(t.inserted == 0 and t.present == 2 for t in restored)


def test_restore_brings_back_only_the_missing_rows_and_new_ids_do_not_collide():
    rows_seed()
    run = backup_create(tables=["agent_queries"])
    before = all_digests()["agent_queries"]
    owner_execute("DELETE FROM agent_queries WHERE id = (SELECT min(id) FROM agent_queries)")

    (restored,) = backup_restore(run.path)

    assert (restored.inserted, restored.present) == (1, 1)
    assert all_digests()["agent_queries"] == before
    with acting_as(Role.SERVICE):  # the sequence is past every restored id
        AgentQuery.objects.create(query="q", result={}, conversation_id="c", agent="data")
    assert all_digests()["agent_queries"][0] == 3


def test_a_tampered_file_is_refused_before_the_database_is_touched():
    rows_seed()
    run = backup_create(tables=EVERY_TABLE)
    owner_execute("DELETE FROM agent_queries")
    before = all_digests()
    data = run.path / "agent_feedback.copy.gz"
    data.write_bytes(gzip.compress(gzip.decompress(data.read_bytes()).replace(b"draft", b"DRAFT")))

    result = manage("restore", str(run.path))

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"CommandError: {data}: sha256 does not match the manifest (changed or damaged)"
    ]
    assert all_digests() == before  # agent_queries, untouched by the checksum failure of another table, still empty


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda run: (run.path / MANIFEST_NAME).unlink(), "no manifest.json"),
        (lambda run: (run.path / "agent_qc.copy.gz").unlink(), "agent_qc.copy.gz: missing"),
        (lambda run: (run.path / MANIFEST_NAME).write_text("{"), "manifest.json: unreadable"),
    ],
)
def test_a_damaged_backup_directory_is_one_readable_error(damage, message):
    rows_seed()
    run = backup_create()
    damage(run)

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(run.path))


def test_unknown_tables_are_refused_by_both_commands():
    with pytest.raises(CommandError, match="unknown table 'auth_user'"):
        call_command("backup", "--tables", "auth_user")
    run = backup_create(tables=["facts"])
    with pytest.raises(CommandError, match="agent_queries is not in this backup"):
        call_command("restore", str(run.path), "--tables", "agent_queries")


def test_a_backup_from_a_newer_schema_is_refused():
    rows_seed()
    run = backup_create(tables=["agent_queries"])
    owner_execute("DELETE FROM agent_queries")
    manifest = json.loads((run.path / MANIFEST_NAME).read_text())
    manifest["migrations"]["metrics"].append("0099_from_the_future")
    (run.path / MANIFEST_NAME).write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match="newer schema: metrics.0099_from_the_future not applied here"):
        call_command("restore", str(run.path))
    assert all_digests()["agent_queries"][0] == 0


def test_a_restore_that_fails_half_way_leaves_no_row_behind():
    rows_seed()
    run = backup_create(tables=["agent_approvals", "approval_decisions"])
    rows_delete_all()

    # The audit rows alone point at approvals that are gone: the whole restore is refused.
    with pytest.raises(CommandError, match="restore failed, nothing changed: .*foreign key"):
        call_command("restore", str(run.path), "--tables", "approval_decisions")
    assert all_digests()["approval_decisions"][0] == 0


def test_the_backup_command_prints_the_directory_and_the_counts():
    rows_seed()

    result = manage("backup", "--tables", "facts", "agent_run")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[:2] == ["agent_run: 2 rows", "facts: 2 rows"]
    assert json.loads((Path(lines[2]) / MANIFEST_NAME).read_text())["files"][0]["rows"] == 2

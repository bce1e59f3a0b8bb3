"""Training-data exports run in the foreground: the command, the files, their manifests, failures and pruning."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pyarrow.parquet as pq
import pytest
from django.conf import settings
from django.core.management import CommandError
from django.db import connection
from django.utils import timezone

from demo.services import demo_data_seed
from feedback.exports.services import training_exports_prune
from feedback.exports.writers import SCHEMAS
from feedback.models import ExportStatus, TrainingExport
from hotdash.db_context import Role, acting_as
from tests.feedback.export_files import export, jsonl_rows, manifest_of, sha256
from tests.feedback.factories import AgentFeedbackFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_data():
    with acting_as(Role.SERVICE):
        demo_data_seed()


def test_an_export_of_the_demo_data_has_a_manifest_that_matches_its_file_and_is_stable(demo_data, tmp_path):
    # when the annotated drafts of the demo are exported twice with the same filters
    first = export(tmp_path, "first.jsonl")
    second = export(tmp_path, "second.jsonl")

    # then each manifest names its file's sha256, and both runs wrote the same bytes
    manifest = manifest_of(first)
    assert manifest["sha256"] == sha256(first) == sha256(second) == manifest_of(second)["sha256"]
    assert manifest["rows"] == 10  # 8 safe, 2 unsafe; the one draft nobody reviewed stays out
    assert manifest["bytes"] == first.stat().st_size
    assert (manifest["schema_version"], manifest["format"], manifest["dataset"]) == (1, "jsonl", "drafts")
    assert manifest["filters"] == {"dataset": "drafts", "since": None, "until": None, "label": None, "safe_only": False}
    assert manifest["redaction_settings"] == {"phone_regions": ["US", "GB", "CA", "DE", "FR", "BR"], "phone_leniency": "valid"}
    assert set(manifest["redactions"]) == {"email", "phone", "card", "ip", "name"}
    assert manifest["code_version"].startswith("0.1.0")
    assert {"started_at", "finished_at", "columns", "file"} <= set(manifest)
    rows = jsonl_rows(first)
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    assert list(rows[0]) == manifest["columns"]
    # and every export is listed, with its manifest, whoever ran it
    with acting_as(Role.QA):
        listed = list(TrainingExport.objects.order_by("pk").values_list("status", "rows_done", "requested_by"))
    assert [(status, done) for status, done, _ in listed] == [("succeeded", 10), ("succeeded", 10)]
    assert listed[0][2].startswith("command:")


def test_filters_choose_the_rows(demo_data, tmp_path):
    safe = jsonl_rows(export(tmp_path, "safe.jsonl", "--safe-only"))
    labelled = jsonl_rows(export(tmp_path, "labelled.jsonl", "--label", "pii_leak"))
    gold = jsonl_rows(export(tmp_path, "gold.jsonl", "--gold"))
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    none_yet = jsonl_rows(export(tmp_path, "future.jsonl", "--since", tomorrow))

    assert len(safe) == 8 and all(row["safe_to_send"] for row in safe)
    assert [row["conversation_id"] for row in labelled] == ["cw-46190"]
    assert [(row["conversation_id"], row["tags"]) for row in gold] == [("cw-46101", ["refunds", "payments", "timing"])]
    assert none_yet == []


def test_parquet_is_readable_by_pyarrow_with_the_declared_schema(demo_data, tmp_path):
    parquet = export(tmp_path, "drafts.parquet", "--format", "parquet")
    jsonl = export(tmp_path, "drafts.jsonl")

    table = pq.read_table(parquet)
    assert table.schema.remove_metadata() == SCHEMAS["drafts"]
    assert table.num_rows == manifest_of(parquet)["rows"] == 10
    assert manifest_of(parquet)["sha256"] == sha256(parquet)
    by_id = {row["id"]: row for row in jsonl_rows(jsonl)}
    for row in table.to_pylist():
        expected = by_id[row["id"]]
        assert (row["model_draft"], row["labels"], row["rubric"]) == (
            expected["model_draft"], expected["labels"], expected["rubric"]
        )
        assert row["created_at"].isoformat() == expected["created_at"]


def test_csv_has_a_header_and_one_record_per_row(demo_data, tmp_path):
    import csv

    path = export(tmp_path, "drafts.csv", "--format", "csv")

    with path.open(newline="") as file:
        records = list(csv.DictReader(file))
    assert len(records) == 10
    assert list(records[0]) == SCHEMAS["drafts"].names
    assert {record["safe_to_send"] for record in records} == {"true", "false"}
    assert json.loads(records[0]["rubric"]).keys() == {"clarity", "accuracy", "tone"}


def test_personal_data_is_redacted_in_the_file_and_counted_in_the_manifest(tmp_path):
    with acting_as(Role.SERVICE):
        AgentFeedbackFactory(
            input_text="I'm Jane Whitaker, jane@example.com, card 4111 1111 1111 1111",
            model_draft="Thanks JANE! We'll call +44 20 7946 0958 about order #4851 placed 05.10.2024.",
            notes="Login came from 203.0.113.9",
            meta={"customer_name": "Jane Whitaker"},
            safe_to_send=False,
            labels=["pii"],
        )

    path = export(tmp_path, "pii.jsonl")

    (row,) = jsonl_rows(path)
    assert row["input_text"] == "I'm [NAME_REDACTED], [EMAIL_REDACTED], card [CARD_REDACTED]"
    assert row["model_draft"] == "Thanks [NAME_REDACTED]! We'll call [PHONE_REDACTED] about order #4851 placed 05.10.2024."
    assert row["notes"] == "Login came from [IP_REDACTED]"
    assert "meta" not in row and "annotator" not in row
    assert manifest_of(path)["redactions"] == {"email": 1, "phone": 1, "card": 1, "ip": 1, "name": 2}


def test_a_name_under_a_meta_key_in_any_case_is_redacted(tmp_path):
    # given names under keys spelled "CustomerName" and "NAME" (the key pattern ignores case; so must the
    # cheap test that skips parsing meta for rows that name nobody)
    with acting_as(Role.SERVICE):
        AgentFeedbackFactory(
            input_text="Jane Whitaker here, Tomasz is my husband",
            model_draft="Hi Jane!",
            meta={"CustomerName": "Jane Whitaker", "recipient": {"NAME": "Tomasz"}},
            safe_to_send=True,
        )

    (row,) = jsonl_rows(export(tmp_path, "names.jsonl"))

    assert row["input_text"] == "[NAME_REDACTED] here, [NAME_REDACTED] is my husband"
    assert row["model_draft"] == "Hi [NAME_REDACTED]!"


@pytest.mark.parametrize("export_format", ["jsonl", "csv", "parquet"])
def test_redaction_workers_write_the_same_bytes_and_counts_as_one_process(settings, tmp_path, export_format):
    # given drafts with every kind of personal data, read two at a time (so several chunks are in flight)
    with acting_as(Role.SERVICE):
        for i in range(9):
            AgentFeedbackFactory(
                input_text=f"I'm Jane Whitaker, jane{i}@example.com, card 4111 1111 1111 1111, order #{4000 + i}",
                model_draft=f"We'll call +44 20 7946 09{i:02d} from 203.0.113.{i} on 2026-05-03 08:00.",
                notes="Good tone" if i % 2 else None,
                labels=["pii", f"batch-{i % 3}"],
                meta={"customer_name": "Jane Whitaker"},
                safe_to_send=bool(i % 3),
            )
    settings.HOTDASH_EXPORT_CHUNK_ROWS = 2

    # when the same export runs in process and with two redaction workers
    settings.HOTDASH_EXPORT_WORKERS = 0
    alone = export(tmp_path, f"alone.{export_format}", "--format", export_format)
    settings.HOTDASH_EXPORT_WORKERS, settings.HOTDASH_EXPORT_WORKERS_MIN_ROWS = 2, 0
    pooled = export(tmp_path, f"pooled.{export_format}", "--format", export_format)

    # then the files are the same bytes, rows in id order, and the manifests count the same replacements
    assert sha256(alone) == sha256(pooled) == manifest_of(pooled)["sha256"]
    assert manifest_of(alone)["redactions"] == manifest_of(pooled)["redactions"] == {
        "email": 9, "phone": 9, "card": 9, "ip": 9, "name": 9,
    }
    assert manifest_of(pooled)["rows"] == 9


def test_a_failed_export_is_marked_failed_with_its_reason_and_leaves_no_file(tmp_path, settings):
    # given a draft whose rubric the parquet schema cannot hold, after other rows that were already written
    settings.HOTDASH_EXPORT_CHUNK_ROWS = 1
    with acting_as(Role.SERVICE):
        AgentFeedbackFactory.create_batch(3, safe_to_send=True, rubric={"clarity": 5, "accuracy": 5, "tone": 5})
        AgentFeedbackFactory(safe_to_send=True, rubric={"clarity": 5, "accuracy": 5, "tone": 1000})

    with pytest.raises(CommandError, match=r"export #\d+ failed: ArrowInvalid: .*1000"):
        export(tmp_path, "broken.parquet", "--format", "parquet")

    assert list(tmp_path.iterdir()) == []  # no file, no manifest, no temporary file
    with acting_as(Role.QA):
        failed = TrainingExport.objects.get()
    assert (failed.status, failed.file_path, failed.manifest) == (ExportStatus.FAILED, None, {})
    assert "1000" in failed.error and failed.finished_at is not None


def runtime_env() -> dict:
    db = settings.DATABASES["default"]
    url = f"postgres://{quote(db['USER'])}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{connection.settings_dict['NAME']}"
    return {**os.environ, "DATABASE_URL": url}


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "xml"], "format: unknown format 'xml'; expected one of jsonl, csv, parquet"),
    (["--since", "2026-02-01", "--until", "2026-01-01"], "since: 2026-02-01 is after until (2026-01-01)"),
    (["--since", "yesterday"], "since: 'yesterday' is not a date (YYYY-MM-DD)"),
    (["--output", "/nonexistent-dir/x.jsonl"], "output: cannot write /nonexistent-dir/x.jsonl: directory /nonexistent-dir does not exist"),
    (["--output", "/tmp"], "output: /tmp is a directory"),
    (["--gold", "--safe-only"], "safe_only: the gold set has no safety judgement; use one of safe_only or gold"),
])
def test_bad_input_is_one_readable_line_and_exit_status_1(args, message):
    result = subprocess.run(
        [sys.executable, "manage.py", "export_training", *args], cwd=BASE_DIR, env=runtime_env(),
        capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 1
    assert result.stderr.strip() == f"CommandError: {message}"
    with acting_as(Role.SERVICE):
        assert TrainingExport.objects.count() == 0


def test_old_files_are_pruned_and_their_rows_kept(export_dir):
    # given an export finished 31 days ago (the default keeps 30) and one finished yesterday
    now = timezone.now()
    paths = {}
    with acting_as(Role.SERVICE):
        for age in (31, 1):
            path = Path(export_dir) / f"training-drafts-prune-{age}.jsonl"
            path.write_text("{}\n")
            path.with_name(path.name + ".manifest.json").write_text("{}")
            paths[age] = path
            TrainingExport.objects.create(
                format="jsonl", requested_by="test", status=ExportStatus.SUCCEEDED, file_path=str(path),
                finished_at=now - timedelta(days=age),
            )

    assert training_exports_prune(now=now) == 1

    assert not paths[31].exists() and not paths[31].with_name(paths[31].name + ".manifest.json").exists()
    assert paths[1].exists()
    with acting_as(Role.QA):
        rows = dict(TrainingExport.objects.values_list("finished_at", "file_path"))
    assert sorted(rows.values(), key=str) == sorted([None, str(paths[1])], key=str)
    paths[1].unlink()


def test_an_export_succeeds_when_pruning_old_files_fails(tmp_path, export_dir):
    # given an old export whose "file" cannot be deleted (a directory stands in its place)
    stuck = Path(export_dir) / "training-drafts-stuck.jsonl"
    stuck.mkdir()
    with acting_as(Role.SERVICE):
        TrainingExport.objects.create(
            format="jsonl", requested_by="test", status=ExportStatus.SUCCEEDED, file_path=str(stuck),
            finished_at=timezone.now() - timedelta(days=40),
        )
        AgentFeedbackFactory(safe_to_send=True)

    try:
        # when the next export runs, then it is written all the same (and not left "running")
        path = export(tmp_path, "after.jsonl")
    finally:
        stuck.rmdir()

    assert manifest_of(path)["rows"] == 1
    with acting_as(Role.QA):
        assert list(TrainingExport.objects.order_by("pk").values_list("status", flat=True)) == ["succeeded", "succeeded"]


@pytest.mark.django_db(transaction=True)
def test_the_rows_counted_are_the_rows_written_while_drafts_arrive(tmp_path):
    from feedback.exports.filters import ExportFilters
    from feedback.exports.services import redactor_from_settings, training_export_write
    from tests.conftest import owner_connect

    with acting_as(Role.SERVICE):
        for n in range(3):
            AgentFeedbackFactory(input_text=f"question {n}", safe_to_send=True)
    reported = []

    def progress(done: int, total: int) -> None:
        # the platform annotates another draft after the export counted and before it reads
        if not reported:
            with owner_connect(autocommit=True) as owner:
                owner.execute(
                    "INSERT INTO agent_feedback (conversation_id, input_text, model_draft, safe_to_send)"
                    " VALUES ('c-late', 'a late question', 'a late answer', true)"
                )
        reported.append((done, total))

    manifest = training_export_write(
        export_format="jsonl", filters=ExportFilters(), path=tmp_path / "snapshot.jsonl",
        redactor=redactor_from_settings(), progress=progress,
    )

    # one snapshot: the late draft is in neither the count nor the file, and progress never passes its total
    assert reported[0] == (0, 3)
    assert manifest["rows"] == 3 and reported[-1] == (3, 3)

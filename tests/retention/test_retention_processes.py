"""Retention in real processes: killed with SIGKILL mid-chunk, two runs at once, a run through a Celery worker;
the lease that lets one run act at a time (retention.lease)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from hotdash.db_context import Role, acting_as
from retention.backup_files import backup_set_open
from retention.lease import LeaseBusy, LeaseLost, lease_acquire
from retention.models import DataRun
from retention.services import RestoreError, RetentionBusy, backup_create, backup_restore, retention_run
from retention.tasks import retention_run_task
from tests.conftest import database_url, owner_connect
from tests.retention.data import all_digests

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "owner"])

EXPIRED, RECENT, SLOW = 3000, 40, 25
# The lease of the runs started as processes: a killed run keeps the next one waiting this long.
LEASE_SECONDS = 5


def queries_seed() -> None:
    """Expired fast queries, recent ones and expired slow ones (kept by their exception)."""
    with owner_connect(autocommit=True) as owner:
        for count, age, latency in ((EXPIRED, 61, 50), (RECENT, 1, 50), (SLOW, 100, 500)):
            owner.execute(
                "INSERT INTO agent_queries (query, result, conversation_id, agent, latency_ms, created_at)"
                " SELECT 'q ' || n, jsonb_build_object('n', n), 'c' || n, 'data', %s, now() - make_interval(days => %s)"
                " FROM generate_series(1, %s) n",
                [latency, age, count],
            )


def queries_left() -> int:
    with owner_connect() as owner:
        return owner.execute("SELECT count(*) FROM agent_queries").fetchone()[0]


def without_logs(digests: dict) -> dict:
    # Runs add their own summary line to observability_logs; every other table must come back as it was.
    return {table: digest for table, digest in digests.items() if table != "observability_logs"}


def run_directories() -> list[Path]:
    return sorted(Path(settings.HOTDASH_BACKUP_DIR).glob("retention-*"))


def manifest_files(directory: Path) -> int:
    try:
        return len(json.loads((directory / "manifest.json").read_text())["files"])
    except (FileNotFoundError, ValueError):
        return 0


def retention_process(*args: str) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(settings.DATABASES["default"]),
        DATABASE_OWNER_URL=database_url(settings.DATABASES["owner"]),
        HOTDASH_BACKUP_DIR=str(settings.HOTDASH_BACKUP_DIR),
        HOTDASH_RETENTION_CHUNK_ROWS="10",
        HOTDASH_RETENTION_LEASE_SECONDS=str(LEASE_SECONDS),
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "retention", "--table", "agent_queries", *args],
        env=env, cwd=settings.BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for(condition, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.01)


def lease_is_free() -> bool:
    """Nobody holds the lease (or it expired) and no chunk or restore has its row locked."""
    with owner_connect() as owner:
        row = owner.execute(
            "SELECT token IS NULL OR expires_at < clock_timestamp() FROM retention_lease WHERE id = 1"
            " FOR UPDATE SKIP LOCKED"
        ).fetchone()
        exists = owner.execute("SELECT count(*) FROM retention_lease").fetchone()[0] == 1
        owner.rollback()
    return row[0] if row is not None else not exists


def test_a_run_killed_mid_chunk_loses_nothing_and_a_rerun_finishes_the_work():
    queries_seed()
    before = all_digests()

    process = retention_process()
    try:
        # Let a few chunks commit, then stop the next DELETE: a SHARE lock lets the run lock, read and back up
        # rows but not delete them. The run is then killed between its backup of a chunk and that chunk's commit.
        wait_for(lambda: run_directories() and manifest_files(run_directories()[0]) >= 3, "three chunks")
        with owner_connect() as blocker:
            blocker.execute("LOCK TABLE agent_queries IN SHARE MODE")
            # From here no chunk commits: what is deleted now is every chunk that committed.
            committed = (EXPIRED + RECENT + SLOW - queries_left()) // 10
            wait_for(lambda: manifest_files(run_directories()[0]) == committed + 1, "the next chunk's backup")
            time.sleep(0.2)  # the run is now waiting in its DELETE
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            blocker.rollback()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert committed >= 2  # the third chunk may be the one that was killed
    assert process.returncode == -signal.SIGKILL
    # The killed run's lease outlives it until it expires (a pooled connection cannot tell us the process died).
    wait_for(lease_is_free, "the killed run's lease to expire")

    # Nothing was deleted without being in the killed run's backup; the chunk it was deleting is still here.
    killed = backup_set_open(run_directories()[0])
    backed_up = sum(entry["rows"] for entry in killed.manifest["files"])
    assert backed_up == (committed + 1) * 10
    assert queries_left() == EXPIRED + RECENT + SLOW - committed * 10
    assert killed.manifest["completed_at"] is None

    rerun = retention_process("--format", "json")
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    report = json.loads(out)
    assert report["tables"]["agent_queries"]["deleted"] == EXPIRED - committed * 10
    assert queries_left() == RECENT + SLOW
    with acting_as(Role.SERVICE):
        assert sorted(DataRun.objects.values_list("status", flat=True)) == ["interrupted", "succeeded"]

    # Every row ever deleted is in one of the two runs' backups: restoring both gives back the table as it was.
    for directory in run_directories():
        backup_restore(directory)
    assert without_logs(all_digests()) == without_logs(before)


def test_two_runs_at_once_one_acts_and_nothing_is_deleted_twice_or_lost():
    queries_seed()
    before = all_digests()

    first, second = retention_process(), retention_process()
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in (first, second)]

    refused = [err for code, _, err in results if code != 0]
    assert all("another retention run, purge or restore is in progress" in err for err in refused), refused
    assert len(refused) <= 1
    assert queries_left() == RECENT + SLOW
    with acting_as(Role.SERVICE):
        runs = list(DataRun.objects.order_by("started_at"))
    # Two runs that both acted did so one after the other.
    assert all(earlier.finished_at <= later.started_at for earlier, later in zip(runs, runs[1:], strict=False))
    backed_up = sum(
        entry["rows"] for directory in run_directories() for entry in backup_set_open(directory).manifest["files"]
    )
    assert backed_up == EXPIRED  # each deleted row in exactly one backup
    for directory in run_directories():
        backup_restore(directory)
    assert without_logs(all_digests()) == without_logs(before)


def test_a_run_while_another_holds_the_lock_is_refused_and_touches_nothing():
    queries_seed()
    before = all_digests()

    lease = lease_acquire(holder="someone else's run")
    try:
        with pytest.raises(RetentionBusy, match="another retention run, purge or restore is in progress: someone else's"):
            retention_run(tables=["agent_queries"])
    finally:
        lease.release()

    assert all_digests() == before
    assert run_directories() == []
    with acting_as(Role.SERVICE):
        assert not DataRun.objects.exists()


def test_a_run_through_a_real_celery_worker(celery_worker):
    queries_seed()

    report = retention_run_task.delay(tables=["agent_queries"]).get(timeout=120)

    assert report["status"] == "succeeded"
    assert report["tables"]["agent_queries"] == {"examined": EXPIRED + SLOW, "kept": {"slow queries": SLOW}, "deleted": EXPIRED}
    assert queries_left() == RECENT + SLOW
    with acting_as(Role.SERVICE):
        run = DataRun.objects.get()
    assert (run.started_by, run.status, run.directory) == ("beat", "succeeded", report["directory"])


def test_a_run_is_refused_while_a_restore_holds_the_lease_row_and_a_restore_while_a_run_holds_the_lease():
    queries_seed()
    directory = backup_create(tables=["agent_queries"]).path
    before = all_digests()

    # A restore in progress: its transaction holds the lease row locked.
    with owner_connect() as restoring:
        restoring.execute("INSERT INTO retention_lease (id) VALUES (1) ON CONFLICT DO NOTHING")
        restoring.commit()
        restoring.execute("SELECT FROM retention_lease WHERE id = 1 FOR UPDATE")
        try:
            with pytest.raises(RetentionBusy, match="in progress"):
                retention_run(tables=["agent_queries"])
        finally:
            restoring.rollback()

    # A run in progress: it holds the lease.
    lease = lease_acquire(holder="a retention run")
    try:
        with pytest.raises(RestoreError, match="in progress: a retention run"):
            backup_restore(directory)
    finally:
        lease.release()

    assert all_digests() == before
    assert run_directories() == []


def test_a_run_whose_lease_expired_and_was_taken_over_commits_nothing_more():
    first = lease_acquire(holder="a run that stalled")
    with pytest.raises(LeaseBusy):
        lease_acquire(holder="a second run")
    with owner_connect(autocommit=True) as owner:
        owner.execute("UPDATE retention_lease SET expires_at = clock_timestamp() - interval '1 second'")
    second = lease_acquire(holder="a second run")

    with pytest.raises(LeaseLost, match="a run that stalled .* lost the retention lease"):
        first.renew_now()
    first.release()  # a no-op: the lease is the second run's
    with pytest.raises(LeaseBusy, match="a second run"):
        lease_acquire(holder="a third run")
    second.release()
    lease_acquire(holder="a third run").release()

"""Retention through PgBouncer in transaction pooling mode (tests/pgbouncer.py): one run at a time still holds
when every transaction may land on another server connection (retention.lease; a session advisory lock did
not: taken through one client, it stayed on a pooled server connection that the next client then re-entered).
"""

import threading

import pytest
from django.db import connection, connections

from hotdash.db_context import Role, acting_as
from retention.backup_files import backup_set_open
from retention.lease import lease_acquire
from retention.models import DataRun, RunKind
from retention.services import RetentionBusy, backup_restore, retention_run
from tests.retention.data import all_digests
from tests.retention.test_retention_processes import (
    EXPIRED,
    RECENT,
    SLOW,
    lease_is_free,
    queries_left,
    queries_seed,
    retention_process,
    run_directories,
    without_logs,
)

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "owner"])


def in_a_thread(work):
    """`work()` on a client connection of its own (a new PgBouncer client), its outcome or exception."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as exc:  # handed back to the test
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return outcome


def test_a_lease_taken_by_one_client_of_the_pooler_refuses_every_other_client_until_released(pooled):
    queries_seed()
    before = all_digests()
    assert connections["default"].settings_dict["PORT"] == str(pooled.port)

    taken = in_a_thread(lambda: lease_acquire(holder="a run through the pooler"))
    attempts = [in_a_thread(lambda: retention_run(tables=["agent_queries"])) for _ in range(10)]

    assert all(isinstance(attempt.get("error"), RetentionBusy) for attempt in attempts), attempts
    assert all_digests() == before
    assert run_directories() == []

    taken["value"].release()
    report = retention_run(tables=["agent_queries"])
    assert report["tables"]["agent_queries"]["deleted"] == EXPIRED
    assert lease_is_free()


def test_two_runs_at_once_through_pgbouncer_never_overlap_and_lose_nothing(pooled):
    queries_seed()
    before = all_digests()

    first, second = retention_process(), retention_process()  # DATABASE_URL is PgBouncer's
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in (first, second)]

    refused = [err for code, _, err in results if code != 0]
    assert all("another retention run, purge or restore is in progress" in err for err in refused), refused
    assert queries_left() == RECENT + SLOW
    with acting_as(Role.SERVICE):
        runs = list(DataRun.objects.filter(kind=RunKind.RETENTION).order_by("started_at"))
    assert [run.status for run in runs] == ["succeeded"] * (2 - len(refused))
    # Two runs that both acted did so one after the other.
    assert all(earlier.finished_at <= later.started_at for earlier, later in zip(runs, runs[1:], strict=False))
    backed_up = sum(
        entry["rows"] for directory in run_directories() for entry in backup_set_open(directory).manifest["files"]
    )
    assert backed_up == EXPIRED
    for directory in run_directories():
        backup_restore(directory)
    assert without_logs(all_digests()) == without_logs(before)
    assert lease_is_free()

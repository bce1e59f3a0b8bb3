"""Manual purges: one operator asks, another approves, then it runs like a retention run, backup first."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from hotdash.db_context import Role, acting_as
from retention.backup_files import backup_set_open
from retention.models import DataRun, PurgeRequest, PurgeStatus
from retention.services import PurgeRefused, backup_restore, purge_decide, purge_request_create, purge_run
from tests.retention.data import all_digests, rows_seed

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "owner"])


def request_as_operator(user: str = "olga", conversation_id: str = "conv-0") -> PurgeRequest:
    with acting_as(Role.OPERATOR):
        return purge_request_create(conversation_id=conversation_id, reason="erasure request #77", requested_by=user)


def test_the_requester_cannot_approve_or_reject_their_own_request():
    purge = request_as_operator("olga")

    for approve in (True, False):
        with pytest.raises(PurgeRefused, match="olga requested purge #.* and cannot .* it: another operator must"):
            with acting_as(Role.OPERATOR):
                purge_decide(request_id=purge.pk, decided_by="olga", approve=approve)

    with acting_as(Role.SERVICE):
        assert PurgeRequest.objects.get().status == PurgeStatus.PENDING


def test_the_database_refuses_a_self_approval_whoever_writes_it():
    purge = request_as_operator("olga")

    with pytest.raises(IntegrityError, match="retention_purge_requests_two_people_check"):
        with acting_as(Role.OPERATOR), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE retention_purge_requests SET status = 'approved', decided_by = requested_by, decided_at = now()"
                " WHERE id = %s",
                [purge.pk],
            )


def test_an_approved_purge_deletes_the_conversation_after_backing_it_up():
    rows_seed()
    before = all_digests()
    purge = request_as_operator("olga", "conv-0")
    with acting_as(Role.OPERATOR):
        purge_decide(request_id=purge.pk, decided_by="omar", approve=True)

    report = purge_run(purge.pk)

    # conv-0's drafts, approval (with its audit row and lease), query and run (with its check) are gone
    after = all_digests()
    for table in ("agent_feedback", "agent_approvals", "approval_decisions", "approval_leases", "agent_queries",
                  "agent_run", "agent_qc"):
        assert after[table][0] == 1, table
    assert after["support_curated_replies"] == before["support_curated_replies"]  # the gold set is not purged
    assert {t: e["deleted"] for t, e in report["tables"].items()} == {
        "agent_feedback": 1, "agent_approvals": 1, "agent_queries": 1, "agent_run": 1
    }
    with acting_as(Role.SERVICE):
        purge.refresh_from_db()
        run = DataRun.objects.get()
    assert (purge.status, purge.run_id, run.kind) == (PurgeStatus.DONE, run.pk, "purge")
    assert run.started_by == f"purge #{purge.pk} approved by omar"
    backup = backup_set_open(Path(report["directory"]))
    assert backup.manifest["kind"] == "purge"

    backup_restore(backup.path)
    restored = all_digests()
    assert {t: d for t, d in restored.items() if t != "observability_logs"} == {
        t: d for t, d in before.items() if t != "observability_logs"
    }


def test_a_purge_that_was_not_approved_does_not_run():
    rows_seed()
    before = all_digests()
    pending = request_as_operator("olga")
    rejected = request_as_operator("olga", "conv-1")
    with acting_as(Role.OPERATOR):
        purge_decide(request_id=rejected.pk, decided_by="omar", approve=False)

    for purge, status in ((pending, "pending"), (rejected, "rejected")):
        with pytest.raises(PurgeRefused, match=f"purge request #{purge.pk} is {status}, not approved"):
            purge_run(purge.pk)
    assert all_digests() == before


def test_a_request_needs_a_conversation_and_a_reason():
    with pytest.raises(ValidationError) as error, acting_as(Role.OPERATOR):
        purge_request_create(conversation_id=" ", reason="", requested_by="olga")
    assert set(error.value.message_dict) == {"conversation_id", "reason"}

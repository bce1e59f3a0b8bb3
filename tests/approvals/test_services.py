import json
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from approvals.models import AgentApproval, ApprovalDecision, ApprovalLease
from approvals.sdk_state import StateError
from approvals.services import (
    EXPIRED_REASON,
    ApprovalAlreadyDecided,
    ApprovalConflict,
    InvalidDecision,
    approval_create,
    approval_decide,
    approval_lease_claim,
    approval_next_claim,
    approvals_decide_bulk,
    approvals_expire,
    approvals_expire_due,
)
from hotdash.db_context import Role, acting_as
from tests.approvals.states import refund_state, run_state, tool_call
from tests.conftest import owner_connect

pytestmark = pytest.mark.django_db


def queue(call_id: str, *, conversation: str = "conv-1", **kwargs) -> AgentApproval:
    """Queued as the agent platform does it: as the ingest role."""
    with acting_as(Role.INGEST):
        approval, _ = approval_create(conversation_id=conversation, serialized=refund_state(call_id), **kwargs)
    return approval


def snapshot(approval_id: int) -> tuple:
    with acting_as(Role.SERVICE):
        approval = AgentApproval.objects.get(pk=approval_id)
        decisions = list(ApprovalDecision.objects.filter(approval_id=approval_id).values_list("outcome", "decided_by", "via"))
    return approval.status, approval.approved_by, approval.reason, decisions


# --- create -------------------------------------------------------------------------------------------


def test_a_paused_run_is_queued_with_its_interruptions_and_a_ttl():
    state = run_state(
        tool_call("bulk_update_orders", {"order_ids": [7, 8]}, "call_a", agent="ops-agent"),
        tool_call("notify_customers", {"template": "delay"}, "call_b", agent="ops-agent"),
    )

    with acting_as(Role.INGEST):
        approval, created = approval_create(conversation_id="conv-9", serialized=json.dumps(state), ttl_seconds=600)

    assert created
    assert (approval.status, approval.schema_version, approval.call_id) == ("pending", "1.21", "call_a,call_b")
    assert approval.last_interruptions == [
        {"tool_name": "bulk_update_orders", "arguments": {"order_ids": [7, 8]}, "call_id": "call_a", "agent": "ops-agent"},
        {"tool_name": "notify_customers", "arguments": {"template": "delay"}, "call_id": "call_b", "agent": "ops-agent"},
    ]
    assert (approval.agent, approval.tool_names) == ("ops-agent", ["bulk_update_orders", "notify_customers"])
    assert approval.serialized == state
    assert approval.expires_at - approval.created_at == timedelta(seconds=600)


def test_the_default_ttl_is_a_day():
    approval = queue("call_1")

    assert approval.expires_at - approval.created_at == timedelta(hours=24)


def test_posting_the_same_paused_run_twice_queues_it_once():
    first = queue("call_1")
    again = queue("call_1")

    assert again.pk == first.pk
    with acting_as(Role.SERVICE):
        assert AgentApproval.objects.count() == 1


def test_the_same_calls_for_another_conversation_are_a_conflict_and_store_nothing():
    queue("call_1", conversation="conv-1")

    with pytest.raises(ApprovalConflict, match="for conversation 'conv-1'"):
        queue("call_1", conversation="conv-2")
    with acting_as(Role.SERVICE):
        assert list(AgentApproval.objects.values_list("conversation_id", flat=True)) == ["conv-1"]


@pytest.mark.parametrize(
    ("serialized", "ttl", "error"),
    [
        (run_state(), None, StateError),
        (refund_state(), 5, InvalidDecision),
    ],
)
def test_bad_input_stores_nothing(serialized, ttl, error):
    with acting_as(Role.INGEST):
        with pytest.raises(error):
            approval_create(conversation_id="c", serialized=serialized, ttl_seconds=ttl)
        assert AgentApproval.objects.count() == 0


# --- decide -------------------------------------------------------------------------------------------


def test_an_operator_decides_once_and_the_decision_is_audited():
    approval = queue("call_1")

    with acting_as(Role.OPERATOR):
        decided = approval_decide(approval_id=approval.pk, outcome="rejected", decided_by="olga", reason="over limit")
        with pytest.raises(ApprovalAlreadyDecided) as again:
            approval_decide(approval_id=approval.pk, outcome="approved", decided_by="otto")

    assert (decided.status, decided.approved_by, decided.reason) == ("rejected", "olga", "over limit")
    assert decided.decided_at is not None
    assert again.value.approval.status == "rejected"
    assert snapshot(approval.pk) == ("rejected", "olga", "over limit", [("rejected", "olga", "api")])


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing():
    approval = queue("call_1")

    with acting_as(Role.OPERATOR), pytest.raises(InvalidDecision, match="a rejection needs a reason"):
        approval_decide(approval_id=approval.pk, outcome="rejected", decided_by="olga", reason="  ")

    assert snapshot(approval.pk) == ("pending", None, None, [])


def test_deciding_after_the_ttl_expires_the_approval_instead():
    approval = queue("call_1")
    with acting_as(Role.SERVICE):
        AgentApproval.objects.filter(pk=approval.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with acting_as(Role.OPERATOR), pytest.raises(ApprovalAlreadyDecided) as late:
        approval_decide(approval_id=approval.pk, outcome="approved", decided_by="olga")

    assert late.value.approval.status == "expired"
    assert snapshot(approval.pk) == ("expired", None, EXPIRED_REASON, [("expired", "system:expiry", "expiry")])


def test_the_database_refuses_to_rewrite_a_decision_even_for_the_service_role():
    approval = queue("call_1")
    with acting_as(Role.OPERATOR):
        approval_decide(approval_id=approval.pk, outcome="approved", decided_by="olga")

    with acting_as(Role.SERVICE):
        with pytest.raises(DatabaseError, match="is already approved: a decision is final"), transaction.atomic():
            AgentApproval.objects.filter(pk=approval.pk).update(status="rejected", reason="changed my mind")

    assert snapshot(approval.pk)[:2] == ("approved", "olga")


@pytest.mark.parametrize(
    ("column", "value"),
    [("status", "approved"), ("approved_by", "refund-agent"), ("reason", "fine by me"), ("decided_at", timezone.now())],
)
def test_the_agent_platform_cannot_decide_even_through_the_database(column, value):
    approval = queue("call_1")

    with acting_as(Role.INGEST):
        with pytest.raises(DatabaseError, match="permission denied for table agent_approvals"), transaction.atomic():
            AgentApproval.objects.filter(pk=approval.pk).update(**{column: value})
        with pytest.raises(DatabaseError, match="permission denied for table agent_approvals"), transaction.atomic():
            approval_decide(approval_id=approval.pk, outcome="approved", decided_by="refund-agent")

    assert snapshot(approval.pk) == ("pending", None, None, [])


def test_the_agent_platform_cannot_queue_an_approval_that_is_already_decided():
    with acting_as(Role.INGEST):
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            AgentApproval.objects.create(
                conversation_id="conv-1", serialized={}, status="approved", approved_by="refund-agent",
                decided_at=timezone.now(),
            )
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            AgentApproval.objects.create(conversation_id="conv-1", serialized={}, reason="pre-approved")

    with acting_as(Role.SERVICE):
        assert AgentApproval.objects.count() == 0


def test_operators_cannot_rewrite_the_audit_trail():
    approval = queue("call_1")
    with acting_as(Role.OPERATOR):
        approval_decide(approval_id=approval.pk, outcome="approved", decided_by="olga")
        with pytest.raises(DatabaseError, match="permission denied for table approval_decisions"), transaction.atomic():
            ApprovalDecision.objects.filter(approval_id=approval.pk).update(decided_by="someone else")

    assert snapshot(approval.pk)[3] == [("approved", "olga", "api")]


def test_bulk_decisions_decide_the_pending_ones_and_report_the_rest():
    first, second, done = queue("call_1"), queue("call_2"), queue("call_3")
    with acting_as(Role.OPERATOR):
        approval_decide(approval_id=done.pk, outcome="approved", decided_by="olga")
        result = approvals_decide_bulk(
            approval_ids=[second.pk, first.pk, done.pk, 999999], outcome="rejected", decided_by="otto", reason="fraud ring"
        )

    assert result.decided == [first.pk, second.pk]
    assert result.skipped == {done.pk: "approved", 999999: "missing"}
    assert snapshot(first.pk) == ("rejected", "otto", "fraud ring", [("rejected", "otto", "bulk")])


# --- expire -------------------------------------------------------------------------------------------


def test_expiry_expires_only_pending_approvals_past_their_ttl_in_batches():
    due = [queue(f"call_due_{i}") for i in range(5)]
    fresh = queue("call_fresh")
    decided = queue("call_decided")
    with acting_as(Role.SERVICE):
        AgentApproval.objects.filter(pk__in=[a.pk for a in [*due, decided]]).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    with acting_as(Role.OPERATOR):
        with connection.cursor() as cursor:  # decided in time, just before its TTL ran out
            cursor.execute("UPDATE agent_approvals SET status = 'approved', approved_by = 'olga', decided_at = now() WHERE id = %s", [decided.pk])

    assert approvals_expire_due(batch=2) == 5
    assert approvals_expire_due(batch=2) == 0

    assert {snapshot(a.pk)[0] for a in due} == {"expired"}
    assert snapshot(due[0].pk) == ("expired", None, EXPIRED_REASON, [("expired", "system:expiry", "expiry")])
    assert snapshot(fresh.pk)[0] == "pending"
    assert snapshot(decided.pk)[0] == "approved"


# --- leases -------------------------------------------------------------------------------------------


def test_next_gives_each_operator_the_oldest_item_nobody_else_has_open():
    oldest, middle, newest = queue("call_1"), queue("call_2"), queue("call_3")

    with acting_as(Role.OPERATOR):
        olga_first = approval_next_claim(holder="olga")
        otto_first = approval_next_claim(holder="otto")
        olga_again = approval_next_claim(holder="olga")  # her own lease does not hide the item from her
        olga_skipping = approval_next_claim(holder="olga", exclude=[oldest.pk])

    assert [olga_first.pk, otto_first.pk, olga_again.pk, olga_skipping.pk] == [oldest.pk, middle.pk, oldest.pk, newest.pk]


def test_an_expired_lease_frees_the_item_and_a_running_one_is_not_taken_over():
    approval = queue("call_1")
    with acting_as(Role.OPERATOR):
        approval_lease_claim(approval_id=approval.pk, holder="olga")
        held = approval_lease_claim(approval_id=approval.pk, holder="otto")
        ApprovalLease.objects.filter(pk=approval.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        taken = approval_lease_claim(approval_id=approval.pk, holder="otto")

    assert held.holder == "olga"
    assert taken.holder == "otto"


@pytest.mark.django_db(transaction=True)
def test_queue_changes_are_announced_on_approval_queue_stream_at_commit():
    with owner_connect(autocommit=True) as listener:
        listener.execute("LISTEN approval_queue_stream")
        approval = queue("call_1")
        with acting_as(Role.OPERATOR):
            approval_decide(approval_id=approval.pk, outcome="approved", decided_by="olga")

        payloads = [json.loads(n.payload) for n in listener.notifies(timeout=2, stop_after=2)]

    assert payloads == [
        {"op": "created", "count": 1, "ids": [approval.pk]},
        {"op": "decided", "count": 1, "ids": [approval.pk]},
    ]


def test_a_decision_or_expiry_made_earlier_is_recorded_at_its_time_with_its_audit_row():
    approved, expired, late = queue("call_1"), queue("call_2"), queue("call_3")
    created = approved.created_at
    with acting_as(Role.SERVICE):
        AgentApproval.objects.filter(pk=late.pk).update(expires_at=created + timedelta(minutes=5))
        approval_decide(approval_id=approved.pk, outcome="approved", decided_by="olga", at=created + timedelta(minutes=3))
        approvals_expire(approval_ids=[expired.pk], at=expired.expires_at)
        with pytest.raises(ApprovalAlreadyDecided):  # it had expired by then: expired, not approved
            approval_decide(approval_id=late.pk, outcome="approved", decided_by="olga", at=created + timedelta(minutes=9))
        rows = {a.pk: a for a in AgentApproval.objects.all()}
        audit = {d.approval_id: d for d in ApprovalDecision.objects.all()}

    assert (rows[approved.pk].status, rows[approved.pk].decided_at) == ("approved", created + timedelta(minutes=3))
    assert (rows[expired.pk].status, rows[expired.pk].decided_at) == ("expired", expired.expires_at)
    assert (rows[late.pk].status, rows[late.pk].decided_at) == ("expired", created + timedelta(minutes=9))
    assert {pk: (d.outcome, d.decided_by, d.created_at) for pk, d in audit.items()} == {
        approved.pk: ("approved", "olga", created + timedelta(minutes=3)),
        expired.pk: ("expired", "system:expiry", expired.expires_at),
        late.pk: ("expired", "system:expiry", created + timedelta(minutes=9)),
    }

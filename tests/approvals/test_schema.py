import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from approvals.models import AgentApproval

# Constraints and triggers are the schema's own: exercised as the service role, which may write every row.
pytestmark = pytest.mark.usefixtures("as_service")


def make_approval(**overrides) -> AgentApproval:
    fields = {"conversation_id": "conv-1", "serialized": {"$schemaVersion": "1.0"}} | overrides
    return AgentApproval.objects.create(**fields)


@pytest.mark.django_db
def test_new_approval_gets_database_defaults():
    approval = make_approval()

    approval.refresh_from_db()
    assert approval.status == "pending"
    assert approval.last_interruptions == []
    assert approval.created_at is not None
    assert approval.updated_at == approval.created_at


@pytest.mark.django_db
def test_a_status_outside_the_four_is_refused_by_the_database():
    with pytest.raises(IntegrityError, match="agent_approvals_status_check"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO agent_approvals (conversation_id, serialized, status) VALUES ('c', '{}', 'maybe')"
            )
    assert AgentApproval.objects.count() == 0


@pytest.mark.django_db
def test_a_pending_approval_cannot_carry_a_decision_time():
    with pytest.raises(IntegrityError, match="agent_approvals_pending_undecided_check"), transaction.atomic():
        make_approval(decided_at=timezone.now())


@pytest.mark.django_db
def test_two_approvals_cannot_share_a_call_id():
    make_approval(call_id="call_abc")

    with pytest.raises(IntegrityError, match="agent_approvals_call_id_key"), transaction.atomic():
        make_approval(call_id="call_abc")
    assert AgentApproval.objects.count() == 1


@pytest.mark.django_db
def test_updated_at_moves_on_update_even_inside_one_transaction():
    approval = make_approval()
    approval.refresh_from_db()
    before = approval.updated_at

    AgentApproval.objects.filter(pk=approval.pk).update(status="approved", decided_at=timezone.now())

    approval.refresh_from_db()
    assert approval.updated_at > before
    assert approval.created_at == before


@pytest.mark.django_db
def test_updated_at_stays_when_an_update_changes_nothing():
    approval = make_approval()
    approval.refresh_from_db()

    with connection.cursor() as cursor:
        cursor.execute("UPDATE agent_approvals SET status = status WHERE id = %s", [approval.pk])

    stamp = approval.updated_at
    approval.refresh_from_db()
    assert approval.updated_at == stamp

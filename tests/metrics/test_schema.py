import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.utils import DatabaseError

from hotdash.db_context import Role, acting_as
from metrics.models import AgentQuery, DecisionSyncEventLog, Fact, ObservabilityLog

# Constraints and triggers are the schema's own: exercised as the service role, which may write every row.
pytestmark = pytest.mark.usefixtures("as_service")

APPEND_ONLY = [
    (Fact, {"project": "occ", "topic": "sales", "key": "daily", "value": {"total": 1}}),
    (DecisionSyncEventLog, {"decision_id": "d1", "scope": "ops", "status": "synced", "payload": {}}),
    (ObservabilityLog, {"level": "INFO", "message": "started"}),
]


# The trigger guards against whoever holds the privileges anyway: the schema owner here (the capability
# roles other than the service are refused by their grants first: tests/hotdash/test_rls_matrix.py).
@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
@pytest.mark.parametrize("statement", ["UPDATE", "DELETE"])
@pytest.mark.parametrize(("model", "fields"), APPEND_ONLY, ids=lambda v: getattr(v, "__name__", ""))
def test_append_only_tables_refuse_update_and_delete_even_by_the_owner(model, fields, statement):
    with acting_as(Role.SERVICE):
        row = model.objects.create(**fields)
    table = model._meta.db_table
    # The table name comes from the model, never from input.
    sql = {"UPDATE": f"UPDATE {table} SET created_at = now()", "DELETE": f"DELETE FROM {table}"}[statement]  # noqa: S608

    with pytest.raises(DatabaseError, match=f"{table} is append-only: {statement}"), transaction.atomic("owner"):
        with connections["owner"].cursor() as cursor:
            cursor.execute(sql)

    with acting_as(Role.SERVICE):
        assert model.objects.filter(pk=row.pk, created_at=row.created_at).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "fields"), APPEND_ONLY, ids=lambda v: getattr(v, "__name__", ""))
def test_the_service_role_may_delete_append_only_rows_for_retention(model, fields):
    row = model.objects.create(**fields)

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE id = %s", [row.pk])  # noqa: S608

    assert not model.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_log_level_outside_the_list_is_refused():
    with pytest.raises(IntegrityError, match="observability_logs_level_check"), transaction.atomic():
        ObservabilityLog.objects.create(level="LOUD", message="x")


@pytest.mark.django_db
def test_negative_latency_is_refused():
    with pytest.raises(IntegrityError, match="agent_queries_latency_nonnegative_check"), transaction.atomic():
        AgentQuery.objects.create(query="q", result={}, conversation_id="c", agent="support", latency_ms=-1)


@pytest.mark.django_db
def test_agent_queries_updated_at_moves_on_update():
    query = AgentQuery.objects.create(query="q", result={}, conversation_id="c", agent="support", latency_ms=20)
    query.refresh_from_db()
    before = query.updated_at

    AgentQuery.objects.filter(pk=query.pk).update(approved=True)

    query.refresh_from_db()
    assert query.updated_at > before


@pytest.mark.django_db
def test_decision_sync_events_view_exposes_the_log_with_a_timestamp_column():
    older = DecisionSyncEventLog.objects.create(decision_id="d1", scope="ops", status="synced", duration_ms=12)
    DecisionSyncEventLog.objects.create(decision_id="d2", scope="cx", status="failed", duration_ms=40)
    newer = DecisionSyncEventLog.objects.create(decision_id="d3", scope="ops", status="synced", duration_ms=8)

    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT decision_id, status, duration_ms FROM decision_sync_events WHERE scope = %s ORDER BY "timestamp" DESC, id DESC',
            ["ops"],
        )
        rows = cursor.fetchall()

    assert rows == [(newer.decision_id, "synced", 8), (older.decision_id, "synced", 12)]

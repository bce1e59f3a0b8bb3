from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from hotdash.db_context import Role, acting_as
from metrics.models import AgentQuery
from metrics.services import agent_query_judge, materialized_view_refresh
from tests.metrics.factories import AgentQueryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def query():
    with acting_as(Role.SERVICE):
        return AgentQueryFactory(query="lookup order 42", result={"status": "shipped"})


def read_as_monitoring(pk: int) -> AgentQuery:
    with acting_as(Role.MONITORING):
        return AgentQuery.objects.get(pk=pk)


def test_an_operator_judges_a_query(query):
    # when an operator marks the answer approved and edited by a human
    with acting_as(Role.OPERATOR):
        returned = agent_query_judge(query=AgentQuery.objects.get(pk=query.pk), approved=True, human_edited=True)

    # then monitoring sees the judgement, and the record of the query is unchanged
    stored = read_as_monitoring(query.pk)
    assert (stored.approved, stored.human_edited) == (True, True)
    assert (stored.query, stored.result, stored.latency_ms) == ("lookup order 42", {"status": "shipped"}, 120)
    assert stored.updated_at > query.updated_at
    assert returned.updated_at == stored.updated_at


def test_an_operator_withdraws_a_judgement(query):
    with acting_as(Role.OPERATOR):
        judged = agent_query_judge(query=AgentQuery.objects.get(pk=query.pk), approved=False, human_edited=True)
        agent_query_judge(query=judged, approved=None, human_edited=False)

    stored = read_as_monitoring(query.pk)
    assert (stored.approved, stored.human_edited) == (None, False)


@pytest.mark.parametrize(
    ("approved", "human_edited", "errors"),
    [
        ("yes", False, {"approved": ["approved must be true, false or null, not 'yes'"]}),
        (True, None, {"human_edited": ["human_edited must be true or false, not None"]}),
        (1, 0, {"approved": ["approved must be true, false or null, not 1"],
                "human_edited": ["human_edited must be true or false, not 0"]}),
    ],
)
def test_a_judgement_that_is_not_boolean_is_refused_and_nothing_is_saved(query, approved, human_edited, errors):
    with acting_as(Role.OPERATOR), pytest.raises(ValidationError) as raised:
        agent_query_judge(query=AgentQuery.objects.get(pk=query.pk), approved=approved, human_edited=human_edited)

    assert raised.value.message_dict == errors
    stored = read_as_monitoring(query.pk)
    assert (stored.approved, stored.human_edited) == (None, False)


def test_an_operator_cannot_rewrite_the_query_through_the_orm(query):
    # The UPDATE grant names approved and human_edited only.
    with acting_as(Role.OPERATOR):
        row = AgentQuery.objects.get(pk=query.pk)
        row.query = "something else"
        with pytest.raises(ProgrammingError, match="permission denied for table agent_queries"):
            with acting_as(Role.OPERATOR):
                row.save(update_fields=["query"])
        with pytest.raises(ProgrammingError, match="permission denied for table agent_queries"):
            with acting_as(Role.OPERATOR):
                AgentQuery.objects.filter(pk=query.pk).update(result={"status": "refunded"})

    stored = read_as_monitoring(query.pk)
    assert (stored.query, stored.result) == ("lookup order 42", {"status": "shipped"})


def test_monitoring_may_read_but_not_judge(query):
    with acting_as(Role.MONITORING):
        row = AgentQuery.objects.get(pk=query.pk)
        with pytest.raises(ProgrammingError, match="permission denied for table agent_queries"):
            with acting_as(Role.MONITORING):
                agent_query_judge(query=row, approved=True, human_edited=False)

    assert read_as_monitoring(query.pk).approved is None


def test_daily_agent_metrics_are_recomputed_by_the_service_and_read_by_operators():
    # given a day of one agent's queries (two judged, one approved, one edited)
    with acting_as(Role.SERVICE), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO agent_queries (query, result, conversation_id, agent, approved, human_edited, latency_ms, created_at)"
            " VALUES ('a', '{}', 'c', 'support', true, false, 20, '2026-11-20 10:00+00'),"
            "        ('b', '{}', 'c', 'support', false, true, 340, '2026-11-20 11:00+00'),"
            "        ('c', '{}', 'c', 'support', NULL, false, NULL, '2026-11-20 12:00+00')"
        )

    # when the service refreshes the view, twice (the second time concurrently)
    with acting_as(Role.SERVICE):
        materialized_view_refresh("mv_daily_agent_metrics")
        materialized_view_refresh("mv_daily_agent_metrics")

    # then operators read the aggregates, and tenants may not read them at all
    with acting_as(Role.OPERATOR), connection.cursor() as cursor:
        cursor.execute(
            "SELECT agent, day::text, queries, judged, approved, human_edited, avg_latency_ms, p95_latency_ms"
            " FROM mv_daily_agent_metrics"
        )
        assert cursor.fetchall() == [("support", "2026-11-20", 3, 2, 1, 1, Decimal("180.0"), 340)]
    with acting_as(Role.TENANT, conversation_id="c"), connection.cursor() as cursor:
        with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
            cursor.execute("SELECT count(*) FROM mv_daily_agent_metrics")


def test_a_tenant_writes_facts_of_its_own_project_only_and_the_service_names_a_project():
    from hotdash.errors import Forbidden, Invalid
    from metrics.models import Fact
    from metrics.services import fact_create

    with acting_as(Role.TENANT, project="occ"):
        own = fact_create(topic="sales", key="daily", value=1)
        with pytest.raises(Forbidden, match="own project only: 'occ', not 'chatwoot'"):
            fact_create(project="chatwoot", topic="sales", key="stolen", value=2)
    with acting_as(Role.TENANT, scope="cx"), pytest.raises(Forbidden, match="acts for no project"):
        fact_create(project="occ", topic="sales", key="scoped", value=3)
    with acting_as(Role.SERVICE), pytest.raises(Invalid) as no_project:
        fact_create(topic="sales", key="nowhere", value=4)

    assert own.project == "occ"
    assert no_project.value.field == "project"
    with acting_as(Role.SERVICE):
        assert list(Fact.objects.values_list("project", "key")) == [("occ", "daily")]

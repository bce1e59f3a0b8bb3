"""The policies cost what an explicit WHERE costs: one InitPlan for the setting, an index scan on its column."""

import json
import re

import pytest
from django.db import connection, connections

from hotdash.db_context import Role, acting_as


def plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def explain(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON, VERBOSE) " + sql)
        document = cursor.fetchone()[0]
    return (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
@pytest.mark.parametrize(
    ("table", "setting", "guc", "column", "index", "query"),
    [
        ("facts", "project", "current_project", "project", "facts_project_topic_time_idx",
         "SELECT key, value FROM facts WHERE topic = 'topic-3' ORDER BY created_at DESC LIMIT 20"),
        ("decision_sync_event_logs", "scope", "current_scope", "scope", "dsel_scope_created_idx",
         "SELECT decision_id, status FROM decision_sync_events ORDER BY \"timestamp\" DESC LIMIT 20"),
        ("agent_queries", "conversation_id", "conversation_id", "conversation_id", "agent_queries_conv_idx",
         "SELECT query, latency_ms FROM agent_queries"),
    ],
)
def test_a_tenant_query_evaluates_its_setting_once_and_scans_the_policy_index(
    table, setting, guc, column, index, query
):
    # given 40,000 rows over 400 tenants, analysed
    with acting_as(Role.SERVICE), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO facts (project, topic, key, value, created_at)"
            " SELECT 'p-' || (i % 400), 'topic-' || (i % 7), 'k' || i, to_jsonb(i), now() - i * interval '1 minute'"
            " FROM generate_series(1, 40000) i;"
            "INSERT INTO decision_sync_event_logs (decision_id, scope, status, created_at)"
            " SELECT 'd' || i, 'p-' || (i % 400), 'synced', now() - i * interval '1 minute'"
            " FROM generate_series(1, 40000) i;"
            "INSERT INTO agent_queries (query, result, conversation_id, agent, latency_ms)"
            " SELECT 'q' || i, '{}', 'p-' || (i % 400), 'data', i % 300 FROM generate_series(1, 40000) i"
        )
    with connections["owner"].cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")

    # when a tenant runs its everyday query
    with acting_as(Role.TENANT, **{setting: "p-42"}):
        plan = explain(query)

    # then the setting is read once, in an InitPlan (an empty one reads NULL), and the policy column is an index
    # condition on its result
    nodes = list(plan_nodes(plan))
    init_plans = [n for n in nodes if n.get("Parent Relationship") == "InitPlan"]
    assert len(init_plans) == 1
    assert init_plans[0]["Subplan Name"].startswith("InitPlan 1")
    assert init_plans[0]["Output"] == [f"NULLIF(current_setting('app.{guc}'::text, true), ''::text)"]
    index_scans = [n for n in nodes if n.get("Index Name") == index]
    assert len(index_scans) == 1, json.dumps(plan, indent=1)
    # The InitPlan's result is "$0" up to PostgreSQL 16 and "(InitPlan 1).col1" from 17 on.
    assert re.search(rf"\b{column} = (\$0|\(InitPlan 1\)\.col1)\)", index_scans[0]["Index Cond"]), index_scans[0]["Index Cond"]
    assert not [n for n in nodes if n["Node Type"] == "Seq Scan"]

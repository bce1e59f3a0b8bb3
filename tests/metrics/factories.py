"""Rows of the metrics tables. Create them as the service role (the agent platform writes them)."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from metrics.models import AgentQC, AgentQuery, AgentRun, DecisionSyncEventLog, Fact, ObservabilityLog


class AgentQueryFactory(DjangoModelFactory):
    class Meta:
        model = AgentQuery

    query = factory.Sequence(lambda n: f"lookup order {n}")
    result = factory.LazyFunction(lambda: {"status": "shipped", "carrier": "UPS"})
    conversation_id = factory.Sequence(lambda n: f"conv-{n}")
    agent = "support"
    latency_ms = 120


class FactFactory(DjangoModelFactory):
    class Meta:
        model = Fact

    project = "occ"
    topic = "sales"
    key = factory.Sequence(lambda n: f"day-{n}")
    value = factory.LazyFunction(lambda: {"total": 1})


class DecisionSyncEventLogFactory(DjangoModelFactory):
    class Meta:
        model = DecisionSyncEventLog

    decision_id = factory.Sequence(lambda n: f"dec-{n}")
    scope = "ops"
    status = "synced"
    duration_ms = 12


class ObservabilityLogFactory(DjangoModelFactory):
    class Meta:
        model = ObservabilityLog

    level = "INFO"
    message = factory.Sequence(lambda n: f"job {n} finished")
    metadata = factory.LazyFunction(lambda: {"rows": 3})


class AgentRunFactory(DjangoModelFactory):
    class Meta:
        model = AgentRun

    run_id = factory.Sequence(lambda n: f"run-{n}")
    agent_name = "support"
    conversation_id = factory.Sequence(lambda n: f"conv-{n}")
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=2))
    ended_at = factory.LazyFunction(timezone.now)
    resolved = True
    tool_calls = 3


class AgentQCFactory(DjangoModelFactory):
    class Meta:
        model = AgentQC

    run = factory.SubFactory(AgentRunFactory)
    check_name = "tone"
    passed = True
    score = 4.5

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hotdash.api.fields import JSONValueField, TextField
from hotdash.api.serializers import ConsoleModelSerializer
from metrics.models import (
    AgentDailyAccuracy,
    AgentKpis,
    AgentPerformanceSnapshot,
    AgentQuery,
    ApprovalQueueDepth,
    ApprovalQueueStatus,
    DataQualityRule,
    DecisionSyncEvent,
    Fact,
    LogLevel,
)


class FactSerializer(ConsoleModelSerializer):
    project = TextField(required=False, max_length=200, help_text="Defaults to the project of a tenant's token.")
    topic = TextField(max_length=200)
    key = TextField(max_length=500)
    value = JSONValueField()

    class Meta:
        model = Fact
        fields = ["id", "project", "topic", "key", "value", "created_at"]
        read_only_fields = ["id", "created_at"]


def _read_only(model_class, field_names: list[str]):
    """A read-only ModelSerializer of a metrics view's columns."""
    meta = type("Meta", (), {"model": model_class, "fields": field_names, "read_only_fields": field_names})
    return type(f"{model_class.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


AgentPerformanceSerializer = _read_only(
    AgentPerformanceSnapshot,
    ["agent", "queries_last_hour", "queries_last_24h", "approval_rate_pct", "avg_latency_ms", "p95_latency_ms",
     "health"],
)
AgentAccuracySerializer = _read_only(
    AgentDailyAccuracy,
    ["agent", "day", "queries", "judged", "approved", "human_edited", "approval_rate_pct", "edit_rate_pct",
     "avg_latency_ms", "p50_latency_ms", "p95_latency_ms", "p99_latency_ms", "quality_score"],
)
ApprovalQueueSerializer = _read_only(
    ApprovalQueueStatus,
    ["status", "approvals", "under_5_minutes", "from_5_minutes_to_1_hour", "from_1_to_24_hours", "over_24_hours",
     "sla_breaches", "longest_wait_seconds"],
)
ApprovalQueueDepthSerializer = _read_only(
    ApprovalQueueDepth,
    ["hour", "total", "pending", "approved", "rejected", "expired", "avg_resolution_seconds", "sla_compliance_pct",
     "oldest_pending_age_seconds"],
)
AgentKpisSerializer = _read_only(
    AgentKpis,
    ["agent_name", "day", "runs", "resolution_rate", "self_correction_rate", "avg_duration_ms", "tokens", "cost_usd",
     "qc_pass_rate"],
)
DataQualitySerializer = _read_only(
    DataQualityRule, ["rule", "dimension", "table_name", "severity", "violations", "description"]
)


class DecisionSyncEventSerializer(ConsoleModelSerializer):
    scope = TextField(max_length=200, help_text="A tenant token writes into its own scope only (403 otherwise).")
    decision_id = TextField(max_length=200)
    status = TextField(max_length=100)
    payload = JSONValueField(required=False, default=dict)
    duration_ms = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)

    class Meta:
        model = DecisionSyncEvent
        fields = ["id", "decision_id", "scope", "status", "payload", "duration_ms", "timestamp"]
        read_only_fields = ["id", "timestamp"]


class AgentQueryIngestSerializer(ConsoleModelSerializer):
    """One agent query as the platform logs it."""

    query = TextField(max_length=100_000)
    result = JSONValueField()
    conversation_id = TextField(max_length=200)
    agent = TextField(max_length=200)
    latency_ms = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)

    class Meta:
        model = AgentQuery
        fields = ["id", "query", "result", "conversation_id", "agent", "approved", "human_edited", "latency_ms",
                  "created_at"]
        read_only_fields = ["id", "created_at"]


@extend_schema_field({"type": "object", "additionalProperties": True})
class JSONObjectField(JSONValueField):
    """A JSON object (the log line's metadata), with JSONValueField's rules for its text."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be a JSON object.", code="invalid")
        return value


class ObservabilityLogIngestSerializer(serializers.Serializer):
    """The platform's occ-log function: {level, message, request_id?, metadata?}."""

    level = serializers.ChoiceField(choices=LogLevel.values)
    message = TextField(max_length=10_000)
    request_id = TextField(required=False, allow_null=True, max_length=200)
    metadata = JSONObjectField(required=False, default=dict)

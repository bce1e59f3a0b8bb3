import json

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hotdash import inputs
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

    @classmethod
    def plain_batch(cls, items: list) -> list[dict] | None:
        """The batch's validated data when every item is a plain, valid query; None when any item is not.

        The fast path of POST /api/v1/queries/: running this serializer on 1,000 items cost more than storing
        them. It applies the same rules (the fields' own limits, DRF's stripping of text, hotdash.inputs' rules
        on text and JSON: no NUL, no unpaired surrogate, no NaN) to the plain shape agents send: JSON strings,
        booleans and integers, no other keys. Anything else, valid or not ("true" for true, 12.0 for 12, an
        unknown key, a bad value), gives None and the caller runs the serializer, whose answer (the value, or
        the error naming the item and field) is the rule. So this may only say None too often, never accept
        what the serializer refuses.
        """
        fields = cls._declared_fields
        texts = {name: fields[name].max_length for name in ("query", "conversation_id", "agent")}
        latency = fields["latency_ms"]
        validated, checked = [], []
        for item in items:
            if type(item) is not dict or not _REQUIRED_KEYS <= item.keys() <= _WRITABLE_KEYS:
                return None
            clean = {}
            for name, max_length in texts.items():
                value = item[name]
                if type(value) is not str:
                    return None
                value = value.strip()
                if not value or len(value) > max_length:
                    return None
                clean[name] = value
                checked.append(value)
            result = item["result"]
            if result is None:
                return None
            try:
                # Every string and key of the document, as text: NaN / Infinity raise, NUL is escaped as
                # \u0000 (so is a literal backslash-u0000, which only sends the batch down the slow path),
                # an unpaired surrogate stays one and fails the encoding below.
                checked.append(json.dumps(result, ensure_ascii=False, allow_nan=False))
            except ValueError:
                return None
            if "\\u0000" in checked[-1]:
                return None
            clean["result"] = result
            for name in ("approved", "human_edited"):
                if name in item:
                    value = item[name]
                    if not (type(value) is bool or (value is None and name == "approved")):
                        return None
                    clean[name] = value
            if "latency_ms" in item:
                value = item["latency_ms"]
                if value is not None and not (type(value) is int and latency.min_value <= value <= latency.max_value):
                    return None
                clean["latency_ms"] = value
            validated.append(clean)
        # hotdash.inputs.text_problem's NUL and surrogate rules, on the batch's text at once.
        if inputs.text_problem("".join(checked), max_length=None):
            return None
        return validated


_REQUIRED_KEYS = frozenset({"query", "result", "conversation_id", "agent"})
_WRITABLE_KEYS = _REQUIRED_KEYS | {"approved", "human_edited", "latency_ms"}
# created_at as every DRF answer writes a time stamp (ISO 8601, "Z" for UTC).
_TIMESTAMP = serializers.DateTimeField()


def stored_queries_data(rows: list[dict]) -> list[dict]:
    """The stored queries (metrics.services.agent_queries_ingest's rows) as AgentQueryIngestSerializer writes them.

    The fields' values are already what its fields would answer (text, JSON, booleans, integers); only the time
    stamp needs formatting, and a batch has one (the statement's time).
    """
    names = AgentQueryIngestSerializer.Meta.fields
    stamps = {}
    data = []
    for row in rows:
        created_at = row["created_at"]
        if created_at not in stamps:
            stamps[created_at] = _TIMESTAMP.to_representation(created_at)
        data.append({name: stamps[created_at] if name == "created_at" else row[name] for name in names})
    return data


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

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from hotdash.api.caching import cache_get, cache_set, response_cache_key
from hotdash.api.pagination import MetricsPagination, NewestFirstCursorPagination
from hotdash.api.throttling import TieredRateThrottle
from hotdash.db_context import Role
from metrics.api import filters, serializers
from metrics.models import AgentQuery, ObservabilityLog
from metrics.selectors import (
    agent_accuracy_list,
    agent_kpis_list,
    agent_performance_list,
    approval_queue_depth_list,
    approval_queue_status_list,
    data_quality_list,
    decision_sync_event_list,
    fact_list,
)
from metrics.services import (
    QUERY_BATCH_LIMIT,
    agent_queries_ingest,
    decision_sync_event_create,
    fact_create,
    observability_log_create,
)

# Roles that read every tenant's agent queries, and so the aggregates over them.
ALL_TENANT_READERS = {Role.OPERATOR, Role.QA, Role.MONITORING, Role.SUPERVISOR}
# Roles that read every approval.
APPROVAL_READERS = {Role.OPERATOR, Role.SUPERVISOR}


class FactViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Analytics facts. A tenant reads and writes its own project only; the AI read-only role reads all."""

    queryset = fact_list()
    serializer_class = serializers.FactSerializer
    filterset_class = filters.FactFilter
    ordering_fields = ["created_at"]
    allowed_roles = {
        "list": {Role.INGEST, Role.TENANT, Role.AI_READONLY},
        "retrieve": {Role.INGEST, Role.TENANT, Role.AI_READONLY},
        "create": {Role.INGEST, Role.TENANT},
    }

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = fact_create(
            project=data.get("project"), topic=data["topic"], key=data["key"], value=data["value"]
        )


class TieredThrottleMixin:
    """The API's tiered rate limit (hotdash.api.throttling.TieredRateThrottle), counted before permissions.

    DRF checks permissions before throttles, so an anonymous caller, refused at once, would never be counted.
    """

    throttle_classes = [TieredRateThrottle]

    def check_permissions(self, request):
        super().check_throttles(request)
        super().check_permissions(request)

    def check_throttles(self, request):
        """Already done, first thing, in check_permissions."""


class MetricsViewSet(TieredThrottleMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A read-only list over one metrics view, cached `cache_seconds` in Redis per role, tenant and query."""

    pagination_class = MetricsPagination
    cache_seconds = 10

    def list(self, request, *args, **kwargs):
        key = response_cache_key(self.basename, request)
        data = cache_get(key)
        if data is None:
            data = super().list(request, *args, **kwargs).data
            cache_set(key, data, self.cache_seconds)
        return Response(data)


def described(text: str):
    """The OpenAPI description of a metrics list: what it reads and how long its answer is cached (the view's own
    cache_seconds, so the description cannot drift from what the cache does)."""

    def describe(view):
        return extend_schema_view(
            list=extend_schema(description=f"{text} Cached {view.cache_seconds} s in Redis (per role, tenant and"
                               " query string); read from the database when Redis is down.")
        )(view)

    return describe


@described("Per agent over the last hour / 24 h: queries, approval rate, latency, health (refreshed every 30 s).")
class AgentPerformanceViewSet(MetricsViewSet):
    queryset = agent_performance_list()
    serializer_class = serializers.AgentPerformanceSerializer
    filterset_class = filters.AgentPerformanceFilter
    ordering_fields = ["agent", "queries_last_24h", "approval_rate_pct", "p95_latency_ms"]
    allowed_roles = ALL_TENANT_READERS
    cache_seconds = 5


@described("Per agent and UTC day, every day kept (past retention): approval and edit rates, latency, quality score.")
class AgentAccuracyViewSet(MetricsViewSet):
    queryset = agent_accuracy_list()
    serializer_class = serializers.AgentAccuracySerializer
    filterset_class = filters.AgentAccuracyFilter
    ordering_fields = ["day", "agent", "quality_score", "approval_rate_pct"]
    allowed_roles = ALL_TENANT_READERS
    cache_seconds = 30


@described("Approvals by status: wait-time buckets and SLA (5 minutes) breaches.")
class ApprovalQueueViewSet(MetricsViewSet):
    queryset = approval_queue_status_list()
    serializer_class = serializers.ApprovalQueueSerializer
    filterset_class = filters.ApprovalQueueFilter
    ordering_fields = ["status", "approvals", "sla_breaches"]
    allowed_roles = APPROVAL_READERS
    cache_seconds = 5


@described("Approvals per UTC hour: counts by status, resolution time, SLA compliance, oldest pending age.")
class ApprovalQueueDepthViewSet(MetricsViewSet):
    queryset = approval_queue_depth_list()
    serializer_class = serializers.ApprovalQueueDepthSerializer
    filterset_class = filters.ApprovalQueueDepthFilter
    ordering_fields = ["hour", "total", "pending"]
    allowed_roles = APPROVAL_READERS
    cache_seconds = 10


@described("Per agent and day, from agent runs and QC checks: resolution, self-correction, duration, cost, QC pass rate.")
class AgentKpisViewSet(MetricsViewSet):
    queryset = agent_kpis_list()
    serializer_class = serializers.AgentKpisSerializer
    filterset_class = filters.AgentKpisFilter
    ordering_fields = ["day", "agent_name", "runs"]
    allowed_roles = {Role.QA, Role.MONITORING, Role.SUPERVISOR}
    cache_seconds = 30


@described("The data-quality rules as of the hourly check: dimension, table, severity, violations.")
class DataQualityViewSet(MetricsViewSet):
    queryset = data_quality_list()
    serializer_class = serializers.DataQualitySerializer
    filterset_class = filters.DataQualityFilter
    ordering_fields = ["rule", "severity", "violations"]
    allowed_roles = ALL_TENANT_READERS
    cache_seconds = 30


class NewestEventFirst(NewestFirstCursorPagination):
    ordering = ("-timestamp", "-id")


@described("Decision telemetry, newest first: a tenant reads its own scope only.")
class DecisionSyncEventViewSet(MetricsViewSet, mixins.CreateModelMixin):
    """GET: decision telemetry (the public view). POST: one event; a tenant writes into its own scope only."""

    queryset = decision_sync_event_list()
    serializer_class = serializers.DecisionSyncEventSerializer
    filterset_class = filters.DecisionSyncEventFilter
    pagination_class = NewestEventFirst
    ordering_fields = ["timestamp"]
    cache_seconds = 5
    allowed_roles = {
        "list": {Role.INGEST, Role.TENANT, Role.OPERATOR, Role.MONITORING, Role.SUPERVISOR},
        "create": {Role.INGEST, Role.TENANT},
    }

    def perform_create(self, serializer):
        event = decision_sync_event_create(**serializer.validated_data)
        serializer.instance = decision_sync_event_list().get(pk=event.pk)


class AgentQueryIngestView(TieredThrottleMixin, generics.GenericAPIView):
    """POST one agent query, or a list of up to 1,000: all of them are stored, or (on any error) none."""

    serializer_class = serializers.AgentQueryIngestSerializer
    queryset = AgentQuery.objects.none()  # for the schema generator only: this view reads nothing
    allowed_roles = {Role.INGEST}

    @extend_schema(request=serializers.AgentQueryIngestSerializer(many=True, max_length=QUERY_BATCH_LIMIT),
                   responses={201: {
                       "description": "The stored queries: a list when a list was sent, else the one query.",
                       "oneOf": [{"type": "array", "items": {"type": "object"}}, {"type": "object"}],
                   }})
    def post(self, request):
        many = isinstance(request.data, list)
        items = request.data if many else [request.data]
        if len(items) > QUERY_BATCH_LIMIT:
            raise ValidationError({"queries": [f"Send at most {QUERY_BATCH_LIMIT} queries, not {len(items)}."]})
        validated = serializers.AgentQueryIngestSerializer.plain_batch(items)
        if validated is None:
            serializer = self.get_serializer(data=items, many=True)
            if not serializer.is_valid():
                raise ValidationError(_batch_errors(serializer.errors, many=many))
            validated = serializer.validated_data
        body = serializers.stored_queries_data(agent_queries_ingest(validated))
        return Response(body if many else body[0], status=status.HTTP_201_CREATED)


def _batch_errors(errors, *, many: bool) -> dict:
    """Name the item and its field: "queries[3].agent". DRF keys a list's errors by the failing items' index."""
    named = {}
    for index, item_errors in errors.items():
        item = f"queries[{index}]" if many else "queries"
        if not isinstance(item_errors, dict):
            named[item] = item_errors
            continue
        for field, messages in item_errors.items():
            # An item that is no object at all fails as a whole (DRF's non_field_errors): name the item.
            whole = field == api_settings.NON_FIELD_ERRORS_KEY
            named[item if whole else (f"{item}.{field}" if many else field)] = messages
    return named


class ObservabilityLogIngestView(TieredThrottleMixin, generics.GenericAPIView):
    """The platform's occ-log function: {level, message, request_id?, metadata?} -> {"ok": true}.

    Browsers on HOTDASH_LOGS_CORS_ORIGINS may call it across origins (the preflight is answered here).
    """

    serializer_class = serializers.ObservabilityLogIngestSerializer
    queryset = ObservabilityLog.objects.none()  # for the schema generator only: this view reads nothing
    allowed_roles = {"POST": {Role.INGEST}}

    @extend_schema(responses={200: {"type": "object", "properties": {"ok": {"type": "boolean"}}}})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        observability_log_create(
            level=data["level"], message=data["message"], request_id=request._request.request_id,
            client_request_id=data.get("request_id"), metadata=data.get("metadata"),
        )
        return Response({"ok": True})

    def check_permissions(self, request):
        # A browser's CORS preflight carries no credentials: it is answered (with the headers below) to anyone.
        if request.method != "OPTIONS":
            super().check_permissions(request)

    def options(self, request, *args, **kwargs):
        return Response(status=status.HTTP_204_NO_CONTENT)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        origin = request.headers.get("Origin")
        if origin and origin in settings.HOTDASH_LOGS_CORS_ORIGINS:
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            response["Access-Control-Allow-Headers"] = "Authorization, Content-Type, X-Request-ID"
            response["Access-Control-Max-Age"] = "600"
            response["Vary"] = "Origin"
        return response

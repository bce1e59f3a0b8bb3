from hotdash.api.filters import ConsoleFilterSet, DateFilter, DateTimeFilter, TextFilter, YesNoFilter
from metrics.models import (
    AgentDailyAccuracy,
    AgentKpis,
    AgentPerformanceSnapshot,
    ApprovalQueueDepth,
    ApprovalQueueStatus,
    DataQualityRule,
    DecisionSyncEvent,
    Fact,
)


class FactFilter(ConsoleFilterSet):
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Fact
        # `project` narrows within what the database lets the caller see; it never widens it.
        fields = ["project", "topic", "key"]


class AgentPerformanceFilter(ConsoleFilterSet):
    class Meta:
        model = AgentPerformanceSnapshot
        fields = ["agent", "health"]


class AgentAccuracyFilter(ConsoleFilterSet):
    day_from = DateFilter(field_name="day", lookup_expr="gte")
    day_to = DateFilter(field_name="day", lookup_expr="lte")

    class Meta:
        model = AgentDailyAccuracy
        fields = ["agent"]


class ApprovalQueueFilter(ConsoleFilterSet):
    class Meta:
        model = ApprovalQueueStatus
        fields = ["status"]


class ApprovalQueueDepthFilter(ConsoleFilterSet):
    hour_from = DateTimeFilter(field_name="hour", lookup_expr="gte")
    hour_to = DateTimeFilter(field_name="hour", lookup_expr="lte")

    class Meta:
        model = ApprovalQueueDepth
        fields = []


class AgentKpisFilter(ConsoleFilterSet):
    agent = TextFilter(field_name="agent_name")
    day_from = DateTimeFilter(field_name="day", lookup_expr="gte")
    day_to = DateTimeFilter(field_name="day", lookup_expr="lte")

    class Meta:
        model = AgentKpis
        fields = []


class DataQualityFilter(ConsoleFilterSet):
    violated = YesNoFilter(method="filter_violated", help_text="Rules with violations (true) or none.")

    class Meta:
        model = DataQualityRule
        fields = ["dimension", "severity", "table_name"]

    def filter_violated(self, queryset, name, value):
        return queryset.filter(violations__gt=0) if value == "true" else queryset.filter(violations=0)


class DecisionSyncEventFilter(ConsoleFilterSet):
    since = DateTimeFilter(field_name="timestamp", lookup_expr="gte")
    until = DateTimeFilter(field_name="timestamp", lookup_expr="lt")

    class Meta:
        model = DecisionSyncEvent
        # `scope` narrows within what the database lets the caller see; it never widens it.
        fields = ["scope", "status", "decision_id"]

import django_filters

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


class FactFilter(django_filters.FilterSet):
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Fact
        # `project` narrows within what the database lets the caller see; it never widens it.
        fields = ["project", "topic", "key"]


class AgentPerformanceFilter(django_filters.FilterSet):
    class Meta:
        model = AgentPerformanceSnapshot
        fields = ["agent", "health"]


class AgentAccuracyFilter(django_filters.FilterSet):
    day_from = django_filters.DateFilter(field_name="day", lookup_expr="gte")
    day_to = django_filters.DateFilter(field_name="day", lookup_expr="lte")

    class Meta:
        model = AgentDailyAccuracy
        fields = ["agent"]


class ApprovalQueueFilter(django_filters.FilterSet):
    class Meta:
        model = ApprovalQueueStatus
        fields = ["status"]


class ApprovalQueueDepthFilter(django_filters.FilterSet):
    hour_from = django_filters.IsoDateTimeFilter(field_name="hour", lookup_expr="gte")
    hour_to = django_filters.IsoDateTimeFilter(field_name="hour", lookup_expr="lte")

    class Meta:
        model = ApprovalQueueDepth
        fields = []


class AgentKpisFilter(django_filters.FilterSet):
    agent = django_filters.CharFilter(field_name="agent_name")
    day_from = django_filters.IsoDateTimeFilter(field_name="day", lookup_expr="gte")
    day_to = django_filters.IsoDateTimeFilter(field_name="day", lookup_expr="lte")

    class Meta:
        model = AgentKpis
        fields = []


class DataQualityFilter(django_filters.FilterSet):
    violated = django_filters.BooleanFilter(field_name="violations", lookup_expr="gt", method="filter_violated")

    class Meta:
        model = DataQualityRule
        fields = ["dimension", "severity", "table_name"]

    def filter_violated(self, queryset, name, value):
        return queryset.filter(violations__gt=0) if value else queryset.filter(violations=0)


class DecisionSyncEventFilter(django_filters.FilterSet):
    since = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="lt")

    class Meta:
        model = DecisionSyncEvent
        # `scope` narrows within what the database lets the caller see; it never widens it.
        fields = ["scope", "status", "decision_id"]

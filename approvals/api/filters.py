import django_filters

from approvals.models import AgentApproval, ApprovalStatus


class ApprovalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ApprovalStatus.choices)
    tool = django_filters.CharFilter(field_name="tool_names", lookup_expr="contains", method="filter_tool")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = AgentApproval
        fields = ["status", "conversation_id", "agent", "tool"]

    def filter_tool(self, queryset, name, value):
        return queryset.filter(tool_names__contains=[value])

from approvals.models import AgentApproval, ApprovalStatus
from hotdash.api.filters import ChoiceFilter, ConsoleFilterSet, DateTimeFilter, TextFilter


class ApprovalFilter(ConsoleFilterSet):
    status = ChoiceFilter(choices=ApprovalStatus.choices)
    tool = TextFilter(field_name="tool_names", lookup_expr="contains", method="filter_tool")
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = AgentApproval
        fields = ["status", "conversation_id", "agent", "tool"]

    def filter_tool(self, queryset, name, value):
        return queryset.filter(tool_names__contains=[value])

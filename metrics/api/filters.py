from hotdash.api.filters import ConsoleFilterSet, DateTimeFilter
from metrics.models import Fact


class FactFilter(ConsoleFilterSet):
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Fact
        # `project` narrows within what the database lets the caller see; it never widens it.
        fields = ["project", "topic", "key"]

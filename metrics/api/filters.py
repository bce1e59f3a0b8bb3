import django_filters

from metrics.models import Fact


class FactFilter(django_filters.FilterSet):
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Fact
        # `project` narrows within what the database lets the caller see; it never widens it.
        fields = ["project", "topic", "key"]

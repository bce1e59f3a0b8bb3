"""Reads of the metrics tables. Row-level security narrows every queryset to what the caller's role may see."""

from django.db.models import QuerySet

from metrics.models import Fact


def fact_list() -> QuerySet[Fact]:
    return Fact.objects.all()

import django_filters

from feedback.models import AgentFeedback, AnnotationState


def yes_no(**kwargs) -> django_filters.TypedChoiceFilter:
    """true / false, and a 400 for anything else (a BooleanFilter ignores what it cannot read)."""
    return django_filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")], coerce=lambda value: value == "true", **kwargs
    )


class FeedbackFilter(django_filters.FilterSet):
    """QA's and monitoring's questions of the drafts; each one an indexed column."""

    unannotated = yes_no(field_name="annotation_state", method="filter_unannotated", help_text="Still needs annotators.")
    safe = yes_no(field_name="safe_to_send", help_text="The final verdict.")
    label = django_filters.CharFilter(
        field_name="labels", method="filter_label", help_text="Drafts with this label (final values)."
    )
    annotator = django_filters.CharFilter(field_name="annotator", help_text="Who set the final values.")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    disagreement = yes_no(
        field_name="annotation_state", method="filter_disagreement",
        help_text="In the adjudication list: the annotators disagree.",
    )

    class Meta:
        model = AgentFeedback
        fields = ["conversation_id"]

    def filter_unannotated(self, queryset, name, value):
        if value:
            return queryset.filter(annotation_state=AnnotationState.OPEN)
        return queryset.exclude(annotation_state=AnnotationState.OPEN)

    def filter_label(self, queryset, name, value):
        return queryset.filter(labels__contains=[value])

    def filter_disagreement(self, queryset, name, value):
        if value:
            return queryset.filter(annotation_state=AnnotationState.ADJUDICATION)
        return queryset.exclude(annotation_state=AnnotationState.ADJUDICATION)

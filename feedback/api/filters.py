from feedback.models import AgentFeedback, AnnotationState
from hotdash.api.filters import ConsoleFilterSet, DateTimeFilter, TextFilter, YesNoFilter


class FeedbackFilter(ConsoleFilterSet):
    """QA's and monitoring's questions of the drafts; each one an indexed column. Yes / no filters take `true` or
    `false`, anything else (empty included) is a 400."""

    unannotated = YesNoFilter(
        field_name="annotation_state", method="filter_unannotated", help_text="Still needs annotators."
    )
    safe = YesNoFilter(field_name="safe_to_send", method="filter_safe", help_text="The final verdict.")
    label = TextFilter(field_name="labels", method="filter_label", help_text="Drafts with this label (final values).")
    annotator = TextFilter(field_name="annotator", help_text="Who set the final values.")
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")
    disagreement = YesNoFilter(
        field_name="annotation_state", method="filter_disagreement",
        help_text="In the adjudication list: the annotators disagree.",
    )

    class Meta:
        model = AgentFeedback
        fields = ["conversation_id"]

    def filter_unannotated(self, queryset, name, value):
        if value == "true":
            return queryset.filter(annotation_state=AnnotationState.OPEN)
        return queryset.exclude(annotation_state=AnnotationState.OPEN)

    def filter_safe(self, queryset, name, value):
        return queryset.filter(safe_to_send=value == "true")

    def filter_label(self, queryset, name, value):
        return queryset.filter(labels__contains=[value])

    def filter_disagreement(self, queryset, name, value):
        if value == "true":
            return queryset.filter(annotation_state=AnnotationState.ADJUDICATION)
        return queryset.exclude(annotation_state=AnnotationState.ADJUDICATION)

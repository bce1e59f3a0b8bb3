from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from feedback.agreement import agreement_compute
from feedback.api.filters import FeedbackFilter
from feedback.api.serializers import (
    AgreementSerializer,
    AnnotationCreateSerializer,
    AnnotationProgressSerializer,
    AnnotationSerializer,
    DraftCreateSerializer,
    DraftSerializer,
    GoldReplySerializer,
    SinceSerializer,
    TrainingQualitySerializer,
)
from feedback.selectors import agreement_votes, annotation_progress_rows, feedback_list, training_quality_rows
from feedback.services import (
    MAX_DRAFTS_PER_CALL,
    annotation_next_claim,
    annotation_save,
    feedback_create_many,
    feedback_promote,
)
from hotdash.db_context import Role

READERS = {Role.QA, Role.MONITORING, Role.SUPERVISOR}


def _batch_errors(errors: list | dict) -> dict:
    """A refused batch: each bad item's errors under its index (from 0), so the platform knows which to fix."""
    if isinstance(errors, dict) and set(errors) <= {api_settings.NON_FIELD_ERRORS_KEY}:
        return errors  # the list itself (too long, empty, not a list)
    items = errors.items() if isinstance(errors, dict) else enumerate(errors)
    return {"items": {str(index): item for index, item in items if item}}


class FeedbackListCreateView(generics.ListAPIView):
    """The agent platform posts drafts (one, or a list of up to 1,000, all or nothing); QA and monitoring list them."""

    queryset = feedback_list()
    serializer_class = DraftSerializer
    filterset_class = FeedbackFilter
    allowed_roles = {"GET": READERS, "POST": {Role.INGEST}}

    @extend_schema(request=DraftCreateSerializer(many=True), responses={201: DraftSerializer(many=True)})
    def post(self, request, *args, **kwargs):
        if isinstance(request.data, list):
            incoming = DraftCreateSerializer(
                data=request.data, many=True, max_length=MAX_DRAFTS_PER_CALL, allow_empty=False
            )
            if not incoming.is_valid():
                raise ValidationError(_batch_errors(incoming.errors))
            created = feedback_create_many(incoming.validated_data)
            return Response(DraftSerializer(created, many=True).data, status=status.HTTP_201_CREATED)
        incoming = DraftCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        (created,) = feedback_create_many([incoming.validated_data])
        return Response(DraftSerializer(created).data, status=status.HTTP_201_CREATED)


class FeedbackNextView(APIView):
    """The draft the calling annotator labels next, now leased to them (200), or 204 when nothing is left."""

    allowed_roles = {Role.ANNOTATOR}
    serializer_class = DraftSerializer

    @extend_schema(request=None, responses={200: DraftSerializer, 204: None})
    def post(self, request):
        draft = annotation_next_claim(annotator=request.db_context.user)
        if draft is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(DraftSerializer(draft).data)


class AnnotationCreateView(APIView):
    """The calling annotator's annotation of a draft they hold: 201; 409 without the lease; 400 for bad values."""

    allowed_roles = {Role.ANNOTATOR}
    serializer_class = AnnotationCreateSerializer

    @extend_schema(request=AnnotationCreateSerializer, responses={201: AnnotationSerializer})
    def post(self, request, pk: int):
        incoming = AnnotationCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        annotation = annotation_save(feedback_id=pk, annotator=request.db_context.user, **incoming.validated_data)
        return Response(AnnotationSerializer(annotation).data, status=status.HTTP_201_CREATED)


class AgreementView(APIView):
    """Agreement between annotators on the overlap sample: per field (Krippendorff's alpha) and per pair."""

    allowed_roles = {Role.QA, Role.SUPERVISOR}

    @extend_schema(responses=AgreementSerializer)
    def get(self, request):
        return Response(agreement_compute(agreement_votes()))


class AnnotationProgressView(APIView):
    """v_annotation_progress: per annotator and day (an annotator reads their own rows; QA everyone's)."""

    allowed_roles = {Role.ANNOTATOR, Role.QA, Role.SUPERVISOR}

    @extend_schema(parameters=[SinceSerializer], responses=AnnotationProgressSerializer)
    def get(self, request):
        query = SinceSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response({"results": annotation_progress_rows(since=query.validated_data.get("since"))})


class TrainingQualityView(APIView):
    """v_training_data_quality: per day drafts were created, their annotation state and final values."""

    allowed_roles = {Role.QA, Role.MONITORING, Role.SUPERVISOR}

    @extend_schema(parameters=[SinceSerializer], responses=TrainingQualitySerializer)
    def get(self, request):
        query = SinceSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response({"results": training_quality_rows(since=query.validated_data.get("since"))})


class PromoteView(APIView):
    """Add a final, safe draft to the gold set: 201 the first time, 200 with the same row after; 409 otherwise."""

    allowed_roles = {Role.ANNOTATOR}

    @extend_schema(request=None, responses={201: GoldReplySerializer, 200: GoldReplySerializer})
    def post(self, request, pk: int):
        gold, created = feedback_promote(feedback_id=pk)
        return Response(GoldReplySerializer(gold).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

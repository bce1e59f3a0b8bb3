from dataclasses import asdict

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from feedback.api.filters import FeedbackFilter
from feedback.api.serializers import (
    MAX_DRAFT_TEXT,
    AgreementSerializer,
    AnnotationCreateSerializer,
    AnnotationProgressSerializer,
    AnnotationSerializer,
    DraftCreateSerializer,
    DraftSerializer,
    ExportRequestSerializer,
    ExportSerializer,
    GoldReplySerializer,
    SinceSerializer,
    TrainingQualitySerializer,
)
from feedback.exports.filters import ExportInputError, export_filters_parse
from feedback.exports.services import export_download_path, training_export_progress, training_export_request
from feedback.models import ExportStatus, TrainingExport
from feedback.selectors import agreement_report, annotation_progress_rows, feedback_list, training_quality_rows
from feedback.services import (
    MAX_DRAFTS_PER_CALL,
    annotation_next_claim,
    annotation_save,
    annotation_skip,
    feedback_create_many,
    feedback_promote,
)
from hotdash.api.schema import NO_NUL, NO_NUL_NOT_BLANK, refusal
from hotdash.db_context import Role, acting_as

# Who may read training data: QA, the AI read-only role and supervisors (superusers); the service runs exports.
TRAINING_DATA_READERS = {Role.SERVICE, Role.QA, Role.AI_READONLY, Role.SUPERVISOR}


def export_body(request, export: TrainingExport) -> dict:
    done, total = training_export_progress(export)
    downloadable = export.status == ExportStatus.SUCCEEDED and export.file_path
    return {
        "id": export.pk,
        "status": export.status,
        "format": export.format,
        "filters": export.filters,
        "requested_by": export.requested_by,
        "progress": {
            "rows_done": done,
            "rows_total": total,
            "percent": round(100 * done / total, 1) if total else (100.0 if export.status == ExportStatus.SUCCEEDED else None),
        },
        "manifest": export.manifest,
        "error": export.error,
        "download": request.build_absolute_uri(reverse("training-export-download", args=[export.pk])) if downloadable else None,
        "created_at": export.created_at,
        "started_at": export.started_at,
        "finished_at": export.finished_at,
        "pruned_at": export.pruned_at,
    }


class ExportCreateView(APIView):
    """POST: queue a training-data export; 202 with its id. A worker runs it; follow it at GET {id}/."""

    allowed_roles = TRAINING_DATA_READERS

    @extend_schema(request=ExportRequestSerializer, responses={202: ExportSerializer})
    def post(self, request):
        incoming = ExportRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            filters = export_filters_parse(
                since=data.get("since"), until=data.get("until"), label=data.get("label"),
                safe_only=data["safe_only"], gold=data["gold"],
            )
        except ExportInputError as exc:
            raise ValidationError({exc.field: [exc.message]}) from None
        export = training_export_request(format=data["format"], filters=filters, requested_by=request.user.get_username())
        export.refresh_from_db()
        return Response(ExportSerializer(export_body(request, export)).data, status=status.HTTP_202_ACCEPTED)


class ExportDetailView(APIView):
    """GET: an export's status, progress, manifest and (once done) download link."""

    allowed_roles = TRAINING_DATA_READERS

    @extend_schema(responses=ExportSerializer)
    def get(self, request, pk: int):
        export = TrainingExport.objects.filter(pk=pk).first()
        if export is None:
            raise NotFound("No export with this id is visible to you.")
        return Response(ExportSerializer(export_body(request, export)).data)


class ExportDownloadView(APIView):
    """GET: the exported file. Streams from disk with no database transaction open while it is sent."""

    allowed_roles = TRAINING_DATA_READERS
    db_context_per_read = True

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="The export file."),
            409: refusal(409),  # queued or running: no file yet
            410: refusal(410),  # failed, or its file pruned
        }
    )
    def get(self, request, pk: int):
        with acting_as(**asdict(request.db_context)):
            export = TrainingExport.objects.filter(pk=pk).first()
        if export is None:
            raise NotFound("No export with this id is visible to you.")
        path = export_download_path(export)
        if path is None and export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
            return Response({"detail": "This export has no file yet.", "status": export.status}, status=status.HTTP_409_CONFLICT)
        if path is None:
            return Response(
                {"detail": "This export has no file: it failed or its file was pruned.", "status": export.status},
                status=status.HTTP_410_GONE,
            )
        response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
        response["X-Content-SHA256"] = export.manifest.get("sha256", "")
        return response


READERS = {Role.QA, Role.MONITORING, Role.SUPERVISOR}


def _text(max_length: int) -> dict:
    return {"type": "string", "maxLength": max_length, "pattern": NO_NUL_NOT_BLANK}


# One draft as the platform posts it (DraftCreateSerializer), spelled out: the body is one of these or a list.
DRAFT_SCHEMA = {
    "type": "object",
    "properties": {
        "conversation_id": _text(200),
        "input_text": _text(MAX_DRAFT_TEXT),
        "model_draft": _text(MAX_DRAFT_TEXT),
        "meta": {
            "type": "object",
            "description": "A flat object: text, numbers, true / false or null under each key.",
            "propertyNames": {"pattern": NO_NUL},
            "additionalProperties": {"anyOf": [
                {"type": "string", "pattern": NO_NUL}, {"type": "number"}, {"type": "boolean"}, {"type": "null"},
            ]},
        },
    },
    "required": ["conversation_id", "input_text", "model_draft"],
}


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

    @extend_schema(
        request={"application/json": {"oneOf": [DRAFT_SCHEMA, {
            "type": "array", "items": DRAFT_SCHEMA, "minItems": 1, "maxItems": MAX_DRAFTS_PER_CALL,
        }]}},
        responses={201: {"oneOf": [
            {"$ref": "#/components/schemas/Draft"}, {"type": "array", "items": {"$ref": "#/components/schemas/Draft"}},
        ]}},
        description="One draft (an object) or a list of 1 to 1,000, stored all or none.",
    )
    def post(self, request, *args, **kwargs):
        if isinstance(request.data, list):
            incoming = DraftCreateSerializer(
                data=request.data, many=True, min_length=1, max_length=MAX_DRAFTS_PER_CALL, allow_empty=False
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


class FeedbackSkipView(APIView):
    """The calling annotator skips a draft they hold: 204; it goes back to the queue and their next calls move past
    it for HOTDASH_ANNOTATION_SKIP_HOURS. 409 when they do not hold it; 404 for a draft they cannot see."""

    allowed_roles = {Role.ANNOTATOR}

    @extend_schema(request=None, responses={204: None, 404: refusal(404), 409: refusal(409)})
    def post(self, request, pk: int):
        annotation_skip(feedback_id=pk, annotator=request.db_context.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AnnotationCreateView(APIView):
    """The calling annotator's annotation of a draft they hold: 201; 409 without the lease; 400 for bad values."""

    allowed_roles = {Role.ANNOTATOR}
    serializer_class = AnnotationCreateSerializer

    @extend_schema(request=AnnotationCreateSerializer, responses={201: AnnotationSerializer, 409: refusal(409)})
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
        return Response(agreement_report())


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

    @extend_schema(request=None, responses={201: GoldReplySerializer, 200: GoldReplySerializer, 409: refusal(409)})
    def post(self, request, pk: int):
        gold, created = feedback_promote(feedback_id=pk)
        return Response(GoldReplySerializer(gold).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

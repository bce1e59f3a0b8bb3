from dataclasses import asdict

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from feedback.api.serializers import ExportRequestSerializer, ExportSerializer
from feedback.exports.filters import ExportInputError, export_filters_parse
from feedback.exports.services import export_download_path, training_export_progress, training_export_request
from feedback.models import ExportStatus, TrainingExport
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

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(description="The export file.")})
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

"""Retention policies (operators edit the numbers) and the records of backup, retention and purge runs."""

from pathlib import Path

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from hotdash.admin import ConsoleModelAdmin, ViewOnlyConsoleModelAdmin, pretty_json
from retention.backup_files import MANIFEST_NAME
from retention.models import DataRun, PurgeRequest, RetentionPolicy
from retention.services import PurgeRefused, purge_decide, purge_request_create
from retention.tasks import purge_run_task


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(ConsoleModelAdmin):
    list_display = ("table", "keep_days", "exception_keep_days", "slow_query_ms", "enabled", "updated_at")
    list_editable = ("enabled",)
    fields = ("table", "keep_days", "exception_keep_days", "slow_query_ms", "enabled", "notes", "updated_at")
    # The table is what the policy is; the exceptions are fixed in code (docs/retention.md).
    readonly_fields = ("table", "updated_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        # Operators hold UPDATE on these columns only: name them.
        obj.save(update_fields=[name for name in form.changed_data if name != "table"] or ["enabled"])


@admin.register(DataRun)
class DataRunAdmin(ViewOnlyConsoleModelAdmin):
    list_display = ("id", "kind", "status", "started_at", "duration", "rows_deleted", "started_by", "manifest_link")
    list_filter = ("kind", "status")
    ordering = ("-started_at", "-id")
    fields = (
        "kind", "status", "started_by", "started_at", "finished_at", "directory", "error", "downloads",
        "report_pretty", "files_pretty",
    )
    readonly_fields = fields

    def get_urls(self):
        download = path(
            "<int:run_id>/download/<str:name>",
            self.admin_site.admin_view(self.download_view),
            name="retention_datarun_download",
        )
        return [download, *super().get_urls()]

    def download_view(self, request, run_id: int, name: str):
        """One file of a run's directory, for staff who may see the run: only names its manifest lists."""
        run = self.get_object(request, str(run_id))
        if run is None:
            raise Http404("no such run")
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        if name != MANIFEST_NAME and name not in {entry["name"] for entry in run.files}:
            raise Http404("no such file in this run")
        file_path = Path(run.directory) / name
        if not run.directory or not file_path.is_file():
            raise Http404("the file is no longer on disk (older backups are removed)")
        return FileResponse(file_path.open("rb"), as_attachment=True, filename=f"{file_path.parent.name}-{name}")

    def _download_url(self, obj, name: str) -> str:
        return reverse(f"{self.admin_site.name}:retention_datarun_download", args=[obj.pk, name])

    def _on_disk(self, obj) -> bool:
        return bool(obj.directory) and (Path(obj.directory) / MANIFEST_NAME).is_file()

    @admin.display(description="download")
    def manifest_link(self, obj):
        if not self._on_disk(obj):
            return "-"
        return format_html('<a href="{}">manifest.json</a>', self._download_url(obj, MANIFEST_NAME))

    @admin.display(description="download")
    def downloads(self, obj):
        if not self._on_disk(obj):
            return "not on disk"
        names = [MANIFEST_NAME, *(entry["name"] for entry in obj.files)]
        return format_html_join(
            ", ", '<a href="{}">{}</a>', ((self._download_url(obj, name), name) for name in names)
        )

    @admin.display(description="rows deleted")
    def rows_deleted(self, obj):
        return sum(entry.get("deleted", 0) for entry in obj.report.values() if isinstance(entry, dict))

    @admin.display(description="report")
    def report_pretty(self, obj):
        return pretty_json(obj.report)

    @admin.display(description="files (sha256)")
    def files_pretty(self, obj):
        return pretty_json(obj.files)


@admin.register(PurgeRequest)
class PurgeRequestAdmin(ConsoleModelAdmin):
    """Operators file purge requests here; a second operator approves (the purge then runs on a worker)."""

    list_display = ("id", "conversation_id", "status", "requested_by", "requested_at", "decided_by", "run")
    list_filter = ("status",)
    fields = ("conversation_id", "reason", "status", "requested_by", "requested_at", "decided_by", "decided_at", "run")
    actions = ("approve", "reject")

    def get_readonly_fields(self, request, obj=None):
        # A request is filed once and then only decided (by the actions): every field is read-only after.
        return self.fields if obj else tuple(name for name in self.fields if name not in ("conversation_id", "reason"))

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        created = purge_request_create(
            conversation_id=obj.conversation_id, reason=obj.reason, requested_by=request.user.get_username()
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    def _decide(self, request, queryset, *, approve: bool):
        for purge in queryset:
            try:
                decided = purge_decide(request_id=purge.pk, decided_by=request.user.get_username(), approve=approve)
            except PurgeRefused as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            if approve:
                transaction.on_commit(lambda pk=decided.pk: purge_run_task.delay(pk))
            self.message_user(request, f"Purge request #{decided.pk} {decided.status}.", messages.SUCCESS)

    @admin.action(description="Approve and run the selected purges (not your own)")
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description="Reject the selected purges (not your own)")
    def reject(self, request, queryset):
        self._decide(request, queryset, approve=False)

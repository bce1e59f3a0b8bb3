"""Retention policies (operators edit the numbers) and the records of backup, retention and purge runs."""

from django.contrib import admin

from hotdash.admin import ConsoleModelAdmin, ViewOnlyConsoleModelAdmin, pretty_json
from retention.models import DataRun, RetentionPolicy


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
    list_display = ("id", "kind", "status", "started_at", "duration", "rows_deleted", "started_by", "directory")
    list_filter = ("kind", "status")
    ordering = ("-started_at", "-id")
    fields = (
        "kind", "status", "started_by", "started_at", "finished_at", "directory", "error", "report_pretty",
        "files_pretty",
    )
    readonly_fields = fields

    @admin.display(description="rows deleted")
    def rows_deleted(self, obj):
        return sum(entry.get("deleted", 0) for entry in obj.report.values() if isinstance(entry, dict))

    @admin.display(description="report")
    def report_pretty(self, obj):
        return pretty_json(obj.report)

    @admin.display(description="files (sha256)")
    def files_pretty(self, obj):
        return pretty_json(obj.files)

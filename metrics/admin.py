"""Agent data in the console: queries to judge, facts, decision telemetry, logs, runs and their QC checks.

agent_queries, facts and the two logs grow to tens of millions of rows, so their lists never count the whole
table (LargeTablePaginator, show_full_result_count = False, no filter facet counts), filter only on indexed columns or fixed choices
(no filter that lists the distinct values of a big column), search by exact value on indexed columns, and have
no date hierarchy (its year links read every row's date). The date filter gives today / 7 days / this month
as ranges on the created_at index instead.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import path

from hotdash import inputs
from hotdash.admin import (
    ConsoleModelAdmin,
    LargeTablePaginator,
    ViewOnlyConsoleModelAdmin,
    pretty_json,
    table_privileges,
    truncated,
)
from hotdash.db_context import Role
from metrics.api.serializers import AgentAccuracySerializer, AgentKpisSerializer
from metrics.dashboard import dashboard_tiles
from metrics.dbhealth.report import Level
from metrics.dbhealth.sections import TITLES
from metrics.models import (
    AgentDailyMetrics,
    AgentPerformanceSnapshot,
    AgentQC,
    AgentQuery,
    AgentRun,
    ApprovalQueueDepth,
    ApprovalQueueStatus,
    DataQualityRule,
    DbHealthReport,
    DecisionSyncEventLog,
    Fact,
    MetricsRefresh,
    ObservabilityLog,
)
from metrics.selectors import agent_accuracy_list, agent_kpis_list, dbhealth_report_latest, dbhealth_report_trend
from metrics.services import agent_query_judge

# Retention keeps queries slower than this for 180 days instead of 60 (docs/architecture.md §7).
SLOW_QUERY_MS = 200


class LatencyListFilter(admin.SimpleListFilter):
    title = "latency"
    parameter_name = "latency"

    def lookups(self, request, model_admin):
        return [
            ("slow", f"Slow (> {SLOW_QUERY_MS} ms)"),
            ("fast", f"Fast (≤ {SLOW_QUERY_MS} ms)"),
            ("none", "Not measured"),
        ]

    def queryset(self, request, queryset):
        # Measured rows are what agent_queries_latency_idx (partial, latency_ms IS NOT NULL) holds.
        match self.value():
            case "slow":
                return queryset.filter(latency_ms__gt=SLOW_QUERY_MS)
            case "fast":
                return queryset.filter(latency_ms__lte=SLOW_QUERY_MS)
            case "none":
                return queryset.filter(latency_ms__isnull=True)
        return queryset


class BigTableAdmin:
    """List settings of the tables that grow to tens of millions of rows (see the module's note)."""

    paginator = LargeTablePaginator
    show_full_result_count = False
    # "Show counts" would count every filter choice over the whole table.
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50


class AgentQueryJudgementForm(forms.ModelForm):
    class Meta:
        model = AgentQuery
        fields = ["approved", "human_edited"]
        labels = {"approved": "Approved?", "human_edited": "Edited by a human"}


@admin.register(AgentQuery)
class AgentQueryAdmin(BigTableAdmin, ConsoleModelAdmin):
    form = AgentQueryJudgementForm
    list_display = (
        "id", "created_at", "agent", "query_excerpt", "conversation_id", "approved", "human_edited", "latency_ms",
    )
    list_display_links = ("id", "query_excerpt")
    list_filter = ("approved", "human_edited", LatencyListFilter, "created_at")
    search_fields = ("conversation_id__exact", "agent__exact")
    search_help_text = "An exact conversation id or agent name."
    ordering = ("-created_at",)
    fields = (
        "agent", "conversation_id", "query", "result_pretty", "latency_ms", "approved", "human_edited",
        "created_at", "updated_at",
    )
    # Operators judge a query (approved, human_edited); what the agent asked and answered is the record.
    readonly_fields = ("agent", "conversation_id", "query", "result_pretty", "latency_ms", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        agent_query_judge(
            query=obj, approved=form.cleaned_data["approved"], human_edited=form.cleaned_data["human_edited"]
        )

    @admin.display(description="query")
    def query_excerpt(self, obj):
        return truncated(obj.query)

    @admin.display(description="result")
    def result_pretty(self, obj):
        return pretty_json(obj.result)


@admin.register(Fact)
class FactAdmin(BigTableAdmin, ViewOnlyConsoleModelAdmin):
    list_display = ("id", "created_at", "project", "topic", "key", "value_excerpt")
    list_filter = ("created_at",)
    search_fields = ("project__exact", "topic__exact", "key__exact")
    search_help_text = "An exact project, topic or key."
    ordering = ("-created_at",)
    fields = ("project", "topic", "key", "value_pretty", "created_at")

    @admin.display(description="value")
    def value_excerpt(self, obj):
        return truncated(str(obj.value), 60)

    @admin.display(description="value")
    def value_pretty(self, obj):
        return pretty_json(obj.value)


@admin.register(DecisionSyncEventLog)
class DecisionSyncEventLogAdmin(BigTableAdmin, ViewOnlyConsoleModelAdmin):
    list_display = ("id", "created_at", "scope", "decision_id", "status", "duration_ms")
    list_filter = ("created_at",)
    search_fields = ("decision_id__exact", "scope__exact", "status__exact")
    search_help_text = "An exact decision id, scope or status."
    ordering = ("-created_at",)
    fields = ("decision_id", "scope", "status", "duration_ms", "payload_pretty", "created_at")

    @admin.display(description="payload")
    def payload_pretty(self, obj):
        return pretty_json(obj.payload)


@admin.register(ObservabilityLog)
class ObservabilityLogAdmin(BigTableAdmin, ViewOnlyConsoleModelAdmin):
    list_display = ("id", "created_at", "level", "message_excerpt", "request_id")
    list_display_links = ("id", "message_excerpt")
    # level has fixed choices: the filter lists them without reading the table.
    list_filter = ("level", "created_at")
    # Every line of one request (obs_logs_request_idx). Words of messages are not searchable here: a scan of
    # the whole log; filter by level and time instead.
    search_fields = ("request_id__exact",)
    search_help_text = "An exact request id."
    ordering = ("-created_at",)
    fields = ("level", "message", "project", "scope", "request_id", "client_request_id", "metadata_pretty", "created_at")

    @admin.display(description="message")
    def message_excerpt(self, obj):
        return truncated(obj.message, 100)

    @admin.display(description="metadata")
    def metadata_pretty(self, obj):
        return pretty_json(obj.metadata)


class AgentQCInline(admin.TabularInline):
    """A run's QC checks on its page; read-only like the run."""

    model = AgentQC
    fields = ("check_name", "passed", "score", "notes", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) and table_privileges(request, AgentQC._meta.db_table)["view"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AgentRun)
class AgentRunAdmin(ViewOnlyConsoleModelAdmin):
    list_display = (
        "run_id", "agent_name", "started_at", "ended_at", "resolved", "self_corrected", "tool_calls",
        "input_tokens", "output_tokens", "cost_usd",
    )
    list_filter = ("resolved", "self_corrected", "started_at")
    search_fields = ("run_id__exact", "agent_name__exact", "conversation_id__exact")
    search_help_text = "An exact run id, agent name or conversation id."
    # One row per run: far fewer than queries, but still a table that only grows.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    ordering = ("-started_at",)
    list_per_page = 50
    fields = (
        "run_id", "agent_name", "conversation_id", "started_at", "ended_at", "resolved", "self_corrected",
        "tool_calls", "input_tokens", "output_tokens", "cost_usd", "metadata_pretty", "created_at",
    )
    inlines = [AgentQCInline]

    @admin.display(description="metadata")
    def metadata_pretty(self, obj):
        return pretty_json(obj.metadata)


@admin.register(AgentQC)
class AgentQCAdmin(ViewOnlyConsoleModelAdmin):
    list_display = ("id", "created_at", "run", "run_agent", "check_name", "passed", "score")
    list_select_related = ("run",)
    list_filter = ("passed", "created_at")
    search_fields = ("check_name__exact", "run__run_id__exact")
    search_help_text = "An exact check name or run id."
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    ordering = ("-created_at",)
    list_per_page = 50
    fields = ("run", "check_name", "passed", "score", "notes", "created_at")

    @admin.display(description="agent", ordering="run__agent_name")
    def run_agent(self, obj):
        return obj.run.agent_name


# Who reads the database health report: monitoring, and superusers (who act as the supervisor role).
DBHEALTH_READERS = {Role.MONITORING, Role.SUPERVISOR}
_LEVEL_ORDER = {Level.CRITICAL: 0, Level.WARNING: 1, Level.OK: 2}


@admin.register(DbHealthReport)
class DbHealthReportAdmin(ViewOnlyConsoleModelAdmin):
    """The database health report: the latest one with the trend of the last ones, or one chosen report."""

    def _reader(self, request) -> bool:
        context = getattr(request, "db_context", None)
        return request.user.is_staff and context is not None and context.role in DBHEALTH_READERS

    def has_view_permission(self, request, obj=None) -> bool:
        return self._reader(request) and super().has_view_permission(request, obj)

    def has_module_permission(self, request) -> bool:
        return self._reader(request) and super().has_module_permission(request)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self._report_page(request, dbhealth_report_latest(), "Database health: the latest report")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, object_id)
        if report is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return self._report_page(request, report, f"Database health report of {report.generated_at:%Y-%m-%d %H:%M} UTC")

    def _report_page(self, request, report: DbHealthReport | None, title: str):
        sections = []
        if report is not None:
            for section in report.report["sections"]:
                findings = sorted(section["findings"], key=lambda f: _LEVEL_ORDER[Level(f["level"])])
                counts = {level.value: sum(f["level"] == level for f in findings) for level in Level}
                sections.append({"title": TITLES.get(section["name"], section["name"]), "counts": counts,
                                 "findings": findings})
        trend = dbhealth_report_trend()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "report": report,
            "sections": sections,
            "trend": trend,
            "trend_max": max([r.ok + r.warning + r.critical for r in trend] or [1]),
        }
        return TemplateResponse(request, "admin/metrics/dbhealth_report.html", context)


# The dashboard's views and history: one list page each, the page a dashboard tile links to. Rows are
# aggregates (no page of their own, so no links into a change form).
class MetricsListAdmin(ViewOnlyConsoleModelAdmin):
    list_display_links = None

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AgentPerformanceSnapshot)
class AgentPerformanceSnapshotAdmin(MetricsListAdmin):
    list_display = ["agent", "health", "queries_last_hour", "queries_last_24h", "approval_rate_pct", "avg_latency_ms",
                    "p95_latency_ms"]
    list_filter = ["health"]


@admin.register(AgentDailyMetrics)
class AgentDailyMetricsAdmin(MetricsListAdmin):
    list_display = ["day", "agent", "queries", "judged", "approved", "human_edited", "p95_latency_ms", "rolled_up_at"]
    search_fields = ["=agent"]


@admin.register(ApprovalQueueStatus)
class ApprovalQueueStatusAdmin(MetricsListAdmin):
    list_display = ["status", "approvals", "under_5_minutes", "from_5_minutes_to_1_hour", "from_1_to_24_hours",
                    "over_24_hours", "sla_breaches", "longest_wait_seconds"]


@admin.register(ApprovalQueueDepth)
class ApprovalQueueDepthAdmin(MetricsListAdmin):
    list_display = ["hour", "total", "pending", "approved", "rejected", "expired", "avg_resolution_seconds",
                    "sla_compliance_pct", "oldest_pending_age_seconds"]


@admin.register(DataQualityRule)
class DataQualityRuleAdmin(MetricsListAdmin):
    list_display = ["rule", "dimension", "table_name", "severity", "violations", "description"]
    list_filter = ["severity", "dimension"]


@admin.register(MetricsRefresh)
class MetricsRefreshAdmin(MetricsListAdmin):
    list_display = ["view", "started_at", "duration_ms"]
    list_filter = ["view"]

    def get_urls(self):
        # The dashboard's tiles alone, which the home page fetches again every 30 s to refresh itself.
        dashboard = path("dashboard/", self.admin_site.admin_view(self.dashboard_view), name="metrics_dashboard")
        # The per-agent-and-day views: their key has two columns, which a changelist cannot list.
        accuracy = path("agent-accuracy/", self.admin_site.admin_view(self.agent_accuracy_view),
                        name="metrics_agent_accuracy")
        kpis = path("agent-kpis/", self.admin_site.admin_view(self.agent_kpis_view), name="metrics_agent_kpis")
        return [dashboard, accuracy, kpis, *super().get_urls()]

    def agent_accuracy_view(self, request):
        return self._view_rows(
            request, "mv_daily_agent_metrics", agent_accuracy_list(), "agent", AgentAccuracySerializer.Meta.fields,
            "Agent accuracy by day",
            "Per agent and UTC day, every day kept past retention (refreshed nightly): approval and edit rates,"
            " latency percentiles and the quality score.",
        )

    def agent_kpis_view(self, request):
        return self._view_rows(
            request, "v_agent_kpis", agent_kpis_list(), "agent_name", AgentKpisSerializer.Meta.fields,
            "Agent KPIs by day",
            "Per agent and day, from agent runs and QC checks: resolution, self-correction, duration, cost, QC pass rate.",
        )

    def _view_rows(self, request, table: str, rows, agent_field: str, columns: list[str], title: str, text: str):
        # Shown to the roles the database lets read the view (as the dashboard's tiles), 403 to everyone else.
        if not table_privileges(request, table)["view"]:
            raise PermissionDenied
        agent = request.GET.get("agent", "").strip()
        problem = inputs.text_problem(agent, max_length=inputs.MAX_FILTER_LENGTH)
        if problem:
            messages.error(request, f"The agent filter {problem}; showing every agent.")
            agent = ""
        if agent:
            rows = rows.filter(**{agent_field: agent})
        page = Paginator(rows.values_list(*columns), 100).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": title, "description": text, "columns": columns, "page": page, "agent": agent,
        }
        return TemplateResponse(request, "admin/metrics/view_rows.html", context)

    def dashboard_view(self, request):
        return TemplateResponse(request, "admin/metrics/dashboard.html", {"tiles": dashboard_tiles(request)})


# The admin's home page opens with the operator dashboard (the tiles the viewer's role may read).
admin.site.index_template = "admin/metrics/index.html"

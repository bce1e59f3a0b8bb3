from django.db import models
from django.db.models.functions import Now

from hotdash.tenant_keys import tenant_key_not_blank


class AgentQuery(models.Model):
    """One agent query and its result: append-heavy, grows to tens of millions of rows."""

    query = models.TextField()
    result = models.JSONField()
    conversation_id = models.TextField()
    agent = models.TextField()
    approved = models.BooleanField(null=True, blank=True)
    human_edited = models.BooleanField(default=False, db_default=False)
    latency_ms = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "agent_queries"
        ordering = ["-created_at"]
        verbose_name_plural = "agent queries"
        constraints = [
            tenant_key_not_blank("agent_queries", "conversation_id"),
            models.CheckConstraint(
                condition=models.Q(latency_ms__isnull=True) | models.Q(latency_ms__gte=0),
                name="agent_queries_latency_nonnegative_check",
            ),
        ]
        indexes = [
            models.Index(fields=["conversation_id"], name="agent_queries_conv_idx"),
            models.Index(fields=["-created_at"], name="agent_queries_created_idx"),
            # One agent's activity timeline (and "per agent, last 7 days" aggregates).
            models.Index(fields=["agent", "-created_at"], name="agent_queries_agent_time_idx"),
            # Approval-rate metrics read only queries that were judged.
            models.Index(
                fields=["approved"], condition=models.Q(approved__isnull=False), name="agent_queries_approved_idx"
            ),
            # Latency percentiles and "slow queries" read only measured rows.
            models.Index(
                fields=["latency_ms"],
                condition=models.Q(latency_ms__isnull=False),
                name="agent_queries_latency_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent}: {self.query[:60]}"


class Fact(models.Model):
    """An analytics fact of one project. Immutable: the database rejects UPDATE and DELETE."""

    project = models.TextField()
    topic = models.TextField()
    key = models.TextField()
    value = models.JSONField()
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "facts"
        ordering = ["-created_at"]
        constraints = [tenant_key_not_blank("facts", "project")]
        indexes = [
            # "topic = X and key = Y" lookups (and topic alone, by prefix).
            models.Index(fields=["topic", "key"], name="facts_topic_key_idx"),
            models.Index(fields=["-created_at"], name="facts_created_idx"),
            # A project's recent facts of one topic: the tenant's main query and the RLS column.
            models.Index(fields=["project", "topic", "-created_at"], name="facts_project_topic_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.project}/{self.topic}/{self.key}"


class DecisionSyncEventLog(models.Model):
    """Telemetry of decision synchronisation, isolated by scope. Immutable."""

    decision_id = models.TextField()
    scope = models.TextField()
    status = models.TextField()
    payload = models.JSONField(default=dict, db_default=models.Value({}, models.JSONField()))
    duration_ms = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "decision_sync_event_logs"
        ordering = ["-created_at"]
        constraints = [tenant_key_not_blank("decision_sync_event_logs", "scope")]
        indexes = [
            models.Index(fields=["decision_id"], name="dsel_decision_idx"),
            # "scope = X order by created_at desc limit N": the public view's main query and the RLS column.
            models.Index(fields=["scope", "-created_at"], name="dsel_scope_created_idx"),
            models.Index(fields=["-created_at"], name="dsel_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.decision_id} {self.status}"


class LogLevel(models.TextChoices):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARN = "WARN"
    ERROR = "ERROR"
    FATAL = "FATAL"


class ObservabilityLog(models.Model):
    """A log line written by the platform's functions and our own jobs. Immutable."""

    level = models.TextField(choices=LogLevel.choices)
    message = models.TextField()
    # The tenant a line belongs to, if any: a tenant reads the lines of its own project or scope, and a line
    # with neither only the roles that read every tenant do.
    project = models.TextField(null=True, blank=True)
    scope = models.TextField(null=True, blank=True)
    # The console's own id of the request (generated per request); no policy reads it.
    request_id = models.TextField(null=True, blank=True)
    # The id the caller sent in X-Request-ID, kept to join up with its logs; it proves nothing.
    client_request_id = models.TextField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True, db_default=models.Value({}, models.JSONField()))
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "observability_logs"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__in=LogLevel.values), name="observability_logs_level_check"),
            tenant_key_not_blank("observability_logs", "project"),
            tenant_key_not_blank("observability_logs", "scope"),
        ]
        indexes = [
            models.Index(fields=["-created_at"], name="obs_logs_created_idx"),
            # "errors of the last hour" for monitoring.
            models.Index(fields=["level", "-created_at"], name="obs_logs_level_created_idx"),
            # Every line of one request.
            models.Index(
                fields=["request_id"], condition=models.Q(request_id__isnull=False), name="obs_logs_request_idx"
            ),
            # A tenant's own lines, newest first: the RLS columns.
            models.Index(
                fields=["project", "-created_at"],
                condition=models.Q(project__isnull=False),
                name="obs_logs_project_created_idx",
            ),
            models.Index(
                fields=["scope", "-created_at"], condition=models.Q(scope__isnull=False), name="obs_logs_scope_created_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.level}] {self.message[:80]}"


class AgentRun(models.Model):
    """One agent run with its KPIs (from the production agent_metrics migration)."""

    run_id = models.TextField(unique=True)
    agent_name = models.TextField()
    conversation_id = models.TextField(null=True, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    resolved = models.BooleanField(null=True, blank=True)
    self_corrected = models.BooleanField(default=False, db_default=False)
    tool_calls = models.IntegerField(default=0, db_default=0)
    input_tokens = models.IntegerField(default=0, db_default=0)
    output_tokens = models.IntegerField(default=0, db_default=0)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, default=0, db_default=0)
    metadata = models.JSONField(default=dict, blank=True, db_default=models.Value({}, models.JSONField()))
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "agent_run"
        ordering = ["-started_at"]
        constraints = [
            tenant_key_not_blank("agent_run", "conversation_id"),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True) | models.Q(ended_at__gte=models.F("started_at")),
                name="agent_run_ended_after_started_check",
            ),
        ]
        indexes = [
            # v_agent_kpis groups by agent and day.
            models.Index(fields=["agent_name", "-started_at"], name="agent_run_agent_started_idx"),
            models.Index(fields=["conversation_id"], name="agent_run_conv_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_name} run {self.run_id}"


class AgentQC(models.Model):
    """A quality-control check applied to one run."""

    run = models.ForeignKey(AgentRun, on_delete=models.CASCADE, related_name="qc_checks")
    check_name = models.TextField()
    passed = models.BooleanField()
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    notes = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "agent_qc"
        ordering = ["-created_at"]
        verbose_name = "agent QC check"
        constraints = [
            models.UniqueConstraint(fields=["run", "check_name"], name="agent_qc_run_check_key"),
        ]

    def __str__(self) -> str:
        return f"{self.check_name} {'passed' if self.passed else 'failed'}"


class DbHealthReport(models.Model):
    """One stored database health report (the daily beat job's), with its counts for the trend."""

    generated_at = models.DateTimeField()
    database = models.TextField()
    ok = models.IntegerField()
    warning = models.IntegerField()
    critical = models.IntegerField()
    # The report's JSON form as documented in docs/dbhealth.md.
    report = models.JSONField()
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "dbhealth_reports"
        ordering = ["-generated_at"]
        verbose_name = "database health report"
        indexes = [
            # The latest report and the trend read the newest rows first.
            models.Index(fields=["-generated_at"], name="dbhealth_reports_generated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.database} {self.generated_at:%Y-%m-%d %H:%M}: {self.critical} critical, {self.warning} warning"


class AgentDailyMetrics(models.Model):
    """One agent's totals of one UTC day, rolled up from agent_queries before retention deletes them.

    Written once per day by the nightly rollup (services.daily_metrics_rollup) and never recomputed: the
    history of the dashboard's 90 days outlives the 60 days raw queries are kept.
    """

    agent = models.TextField()
    day = models.DateField()
    queries = models.IntegerField()
    judged = models.IntegerField()
    approved = models.IntegerField()
    human_edited = models.IntegerField()
    # Sum and count of measured latencies, so averages over several days stay exact.
    latency_count = models.IntegerField()
    latency_sum_ms = models.BigIntegerField()
    p50_latency_ms = models.IntegerField(null=True)
    p95_latency_ms = models.IntegerField(null=True)
    p99_latency_ms = models.IntegerField(null=True)
    rolled_up_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "agent_daily_metrics"
        ordering = ["-day", "agent"]
        verbose_name = "agent daily metrics"
        verbose_name_plural = "agent daily metrics"
        constraints = [models.UniqueConstraint(fields=["agent", "day"], name="agent_daily_metrics_agent_day_key")]
        indexes = [models.Index(fields=["-day"], name="agent_daily_metrics_day_idx")]

    def __str__(self) -> str:
        return f"{self.agent} {self.day}"


class MetricsRefresh(models.Model):
    """One refresh of a materialized view or rollup: when it ran and how long it took (the freshness tiles)."""

    view = models.TextField()
    started_at = models.DateTimeField()
    duration_ms = models.IntegerField()
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "metrics_refreshes"
        verbose_name_plural = "metrics refreshes"
        ordering = ["-started_at"]
        verbose_name = "metrics refresh"
        indexes = [
            # The latest refresh of each view (freshness) reads one view's newest rows.
            models.Index(fields=["view", "-started_at"], name="metrics_refreshes_view_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.view} at {self.started_at:%H:%M:%S} in {self.duration_ms} ms"


# The dashboard's views and materialized views, read-only (metrics/sql/0011_dashboard_views.sql). Unmanaged:
# the SQL migration owns them; these models let the read API filter, order and page them like tables.
class AgentPerformanceSnapshot(models.Model):
    agent = models.TextField(primary_key=True)
    queries_last_hour = models.IntegerField()
    queries_last_24h = models.IntegerField()
    approval_rate_pct = models.FloatField(null=True)
    avg_latency_ms = models.FloatField(null=True)
    p95_latency_ms = models.IntegerField(null=True)
    health = models.TextField()

    class Meta:
        managed = False
        db_table = "mv_agent_performance_realtime"
        verbose_name = "agent performance snapshot"
        verbose_name_plural = "agent performance snapshot"
        ordering = ["agent"]

    def __str__(self) -> str:
        return f"{self.agent}: {self.health}"


class AgentDailyAccuracy(models.Model):
    pk = models.CompositePrimaryKey("agent", "day")
    agent = models.TextField()
    day = models.DateField()
    queries = models.IntegerField()
    judged = models.IntegerField()
    approved = models.IntegerField()
    human_edited = models.IntegerField()
    avg_latency_ms = models.FloatField(null=True)
    p50_latency_ms = models.IntegerField(null=True)
    p95_latency_ms = models.IntegerField(null=True)
    p99_latency_ms = models.IntegerField(null=True)
    approval_rate_pct = models.FloatField(null=True)
    edit_rate_pct = models.FloatField(null=True)
    quality_score = models.FloatField(null=True)

    class Meta:
        managed = False
        db_table = "mv_daily_agent_metrics"
        verbose_name = "agent accuracy of a day"
        verbose_name_plural = "agent accuracy by day"
        ordering = ["-day", "agent"]

    def __str__(self) -> str:
        return f"{self.agent} {self.day}"


class ApprovalQueueStatus(models.Model):
    status = models.TextField(primary_key=True)
    approvals = models.IntegerField()
    under_5_minutes = models.IntegerField()
    from_5_minutes_to_1_hour = models.IntegerField()
    from_1_to_24_hours = models.IntegerField()
    over_24_hours = models.IntegerField()
    sla_breaches = models.IntegerField()
    longest_wait_seconds = models.IntegerField()

    class Meta:
        managed = False
        # The realtime materialized view of v_approval_queue_status (refreshed every 30 s).
        db_table = "mv_approval_queue_status"
        verbose_name = "approval queue status"
        verbose_name_plural = "approval queue status"
        ordering = ["status"]

    def __str__(self) -> str:
        return f"{self.status}: {self.approvals}"


class ApprovalQueueDepth(models.Model):
    hour = models.DateTimeField(primary_key=True)
    total = models.IntegerField()
    pending = models.IntegerField()
    approved = models.IntegerField()
    rejected = models.IntegerField()
    expired = models.IntegerField()
    avg_resolution_seconds = models.FloatField(null=True)
    sla_compliance_pct = models.FloatField(null=True)
    oldest_pending_age_seconds = models.IntegerField(null=True)

    class Meta:
        managed = False
        # The realtime materialized view of v_approval_queue_depth (refreshed every 30 s).
        db_table = "mv_approval_queue_depth"
        verbose_name = "approval queue depth of an hour"
        verbose_name_plural = "approval queue depth by hour"
        ordering = ["-hour"]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H:00}: {self.total}"


class AgentKpis(models.Model):
    pk = models.CompositePrimaryKey("agent_name", "day")
    agent_name = models.TextField()
    day = models.DateTimeField()
    runs = models.IntegerField()
    resolution_rate = models.FloatField(null=True)
    self_correction_rate = models.FloatField(null=True)
    avg_duration_ms = models.FloatField(null=True)
    tokens = models.BigIntegerField(null=True)
    cost_usd = models.FloatField(null=True)
    qc_pass_rate = models.FloatField(null=True)

    class Meta:
        managed = False
        db_table = "v_agent_kpis"
        ordering = ["-day", "agent_name"]
        verbose_name_plural = "agent KPIs"

    def __str__(self) -> str:
        return f"{self.agent_name} {self.day:%Y-%m-%d}"


class DataQualityRule(models.Model):
    rule = models.TextField(primary_key=True)
    dimension = models.TextField()
    table_name = models.TextField()
    severity = models.TextField()
    violations = models.BigIntegerField()
    description = models.TextField()

    class Meta:
        managed = False
        db_table = "mv_data_quality_report"
        verbose_name = "data-quality rule"
        verbose_name_plural = "data-quality rules"
        ordering = ["severity", "rule"]

    def __str__(self) -> str:
        return f"{self.rule}: {self.violations}"


class DecisionSyncEvent(models.Model):
    """The public view over decision telemetry (`timestamp`, not created_at): what GET returns."""

    decision_id = models.TextField()
    scope = models.TextField()
    status = models.TextField()
    payload = models.JSONField()
    duration_ms = models.IntegerField(null=True)
    timestamp = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "decision_sync_events"
        ordering = ["-timestamp", "-id"]

    def __str__(self) -> str:
        return f"{self.scope}:{self.decision_id} {self.status}"

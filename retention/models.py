from django.db import models
from django.db.models.functions import Now


class RetentionTable(models.TextChoices):
    AGENT_FEEDBACK = "agent_feedback"
    AGENT_APPROVALS = "agent_approvals"
    AGENT_QUERIES = "agent_queries"
    OBSERVABILITY_LOGS = "observability_logs"
    DECISION_SYNC_EVENT_LOGS = "decision_sync_event_logs"


class RetentionPolicy(models.Model):
    """How long one table's rows are kept. The exceptions themselves are fixed (docs/retention.md); their
    durations and thresholds are here, for operators to change in the admin."""

    table = models.TextField(choices=RetentionTable.choices, unique=True)
    keep_days = models.PositiveIntegerField(help_text="Rows older than this are deleted (after a backup).")
    exception_keep_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How long the table's exception rows are kept (unsafe drafts, slow queries, error logs).",
    )
    slow_query_ms = models.PositiveIntegerField(
        null=True, blank=True, help_text="agent_queries: a query slower than this is an exception."
    )
    enabled = models.BooleanField(default=True, db_default=True, help_text="Off: scheduled runs skip the table.")
    notes = models.TextField(blank=True, default="", db_default="")
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "retention_policies"
        ordering = ["table"]
        verbose_name_plural = "retention policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(table__in=RetentionTable.values), name="retention_policies_table_check"
            ),
            models.CheckConstraint(
                condition=models.Q(exception_keep_days__isnull=True)
                | models.Q(exception_keep_days__gte=models.F("keep_days")),
                name="retention_policies_exception_longer_check",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.table}: {self.keep_days} days"


class RunKind(models.TextChoices):
    BACKUP = "backup", "Backup"
    RETENTION = "retention", "Retention"
    PURGE = "purge", "Manual purge"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    INTERRUPTED = "interrupted", "Interrupted (the process died; a later run finished its work)"


class DataRun(models.Model):
    """One backup, retention run or purge: what it examined, kept and deleted, and the files it wrote."""

    kind = models.TextField(choices=RunKind.choices)
    status = models.TextField(choices=RunStatus.choices, default=RunStatus.RUNNING, db_default=RunStatus.RUNNING)
    started_by = models.TextField(help_text="The command line, beat or the approver of a purge.")
    directory = models.TextField(blank=True, default="", db_default="", help_text="The run's backup directory.")
    # {table: {"examined": n, "kept": {exception: n}, "deleted": n}}; backups: {table: {"rows": n}}
    report = models.JSONField(default=dict, db_default=models.Value({}, models.JSONField()))
    # [{"table", "name", "rows", "sha256", "bytes"}], as in the manifest
    files = models.JSONField(default=list, db_default=models.Value([], models.JSONField()))
    error = models.TextField(blank=True, default="", db_default="")
    started_at = models.DateTimeField(db_default=Now())
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "retention_runs"
        ordering = ["-started_at"]
        verbose_name = "backup or retention run"
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=RunKind.values), name="retention_runs_kind_check"),
            models.CheckConstraint(
                condition=models.Q(status__in=RunStatus.values), name="retention_runs_status_check"
            ),
        ]
        indexes = [models.Index(fields=["kind", "-started_at"], name="retention_runs_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None


class PurgeStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a second operator"
    APPROVED = "approved", "Approved, running"
    REJECTED = "rejected", "Rejected"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class PurgeRequest(models.Model):
    """A deletion outside the policies (a customer's erasure request): one operator asks, another approves."""

    conversation_id = models.TextField(help_text="Every row of this conversation is deleted, backed up first.")
    reason = models.TextField()
    requested_by = models.TextField()
    requested_at = models.DateTimeField(db_default=Now())
    status = models.TextField(choices=PurgeStatus.choices, default=PurgeStatus.PENDING, db_default=PurgeStatus.PENDING)
    decided_by = models.TextField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    run = models.ForeignKey(DataRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        db_table = "retention_purge_requests"
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PurgeStatus.values), name="retention_purge_requests_status_check"
            ),
            # Two people, enforced by the database whoever writes: the requester never decides their own request.
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("requested_by")),
                name="retention_purge_requests_two_people_check",
            ),
            models.CheckConstraint(
                condition=models.Q(status=PurgeStatus.PENDING, decided_by__isnull=True)
                | (~models.Q(status=PurgeStatus.PENDING) & models.Q(decided_by__isnull=False)),
                name="retention_purge_requests_decided_check",
            ),
        ]

    def __str__(self) -> str:
        return f"Purge of {self.conversation_id} ({self.status})"


class RetentionLease(models.Model):
    """The one lease that lets a retention run or purge act (docs/retention.md, "One run at a time").

    A row, not a session advisory lock, so it holds through a transaction-pooling PgBouncer: the holder's
    token is renewed inside every chunk's transaction, and a run whose process died frees it when it
    expires. A restore holds the row locked for its one transaction instead.
    """

    id = models.SmallIntegerField(primary_key=True, default=1, db_default=1)
    holder = models.TextField(blank=True, default="", db_default="", help_text="Who holds it: kind, run, process.")
    token = models.UUIDField(null=True, blank=True)
    acquired_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "retention_lease"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="retention_lease_one_row_check")]

    def __str__(self) -> str:
        return f"retention lease held by {self.holder}" if self.token else "retention lease (free)"

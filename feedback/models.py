from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Now

from hotdash.tenant_keys import tenant_key_not_blank


class AgentFeedback(models.Model):
    """A model draft with its human annotation: the raw material of the training set."""

    conversation_id = models.TextField()
    input_text = models.TextField()
    model_draft = models.TextField()
    safe_to_send = models.BooleanField(null=True, blank=True)
    labels = ArrayField(models.TextField(), default=list, blank=True, db_default=models.Value("{}"))
    rubric = models.JSONField(default=dict, blank=True, db_default=models.Value({}, models.JSONField()))
    annotator = models.TextField(null=True, blank=True)
    notes = models.TextField(null=True, blank=True)
    meta = models.JSONField(default=dict, blank=True, db_default=models.Value({}, models.JSONField()))
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "agent_feedback"
        ordering = ["-created_at"]
        verbose_name = "agent feedback"
        verbose_name_plural = "agent feedback"
        constraints = [tenant_key_not_blank("agent_feedback", "conversation_id")]
        indexes = [
            # All drafts of one conversation.
            models.Index(fields=["conversation_id"], name="agent_feedback_conv_idx"),
            # Newest drafts first; retention by age.
            models.Index(fields=["-created_at"], name="agent_feedback_created_idx"),
            # An annotator's own work and productivity.
            models.Index(fields=["annotator"], name="agent_feedback_annotator_idx"),
            # Only reviewed drafts carry a safety verdict; exports read just those.
            models.Index(
                fields=["safe_to_send"],
                condition=models.Q(safe_to_send__isnull=False),
                name="agent_feedback_safe_idx",
            ),
            # "Drafts labelled X" (labels @> ARRAY['X']).
            GinIndex(fields=["labels"], name="agent_feedback_labels_gin"),
        ]

    def __str__(self) -> str:
        return f"Feedback #{self.pk} for {self.conversation_id}"


class SupportCuratedReply(models.Model):
    """The gold set: human-approved replies used for evaluation. Exempt from retention."""

    conversation_id = models.TextField()
    source_message_id = models.TextField()
    question = models.TextField()
    reply = models.TextField()
    tags = ArrayField(models.TextField(), default=list, blank=True, db_default=models.Value("{}"))
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "support_curated_replies"
        ordering = ["-approved_at"]
        verbose_name = "curated reply"
        verbose_name_plural = "curated replies (gold set)"
        constraints = [
            tenant_key_not_blank("support_curated_replies", "conversation_id"),
            # One gold reply per source message: promoting the same draft twice is a no-op.
            models.UniqueConstraint(fields=["source_message_id"], name="support_curated_replies_source_key"),
        ]
        indexes = [
            models.Index(fields=["-approved_at"], name="scr_approved_idx"),
            models.Index(fields=["conversation_id"], name="scr_conv_idx"),
            models.Index(fields=["-updated_at"], name="scr_updated_idx"),
            models.Index(fields=["-created_at"], name="scr_created_idx"),
            GinIndex(fields=["tags"], name="scr_tags_gin"),
        ]

    def __str__(self) -> str:
        return f"Gold reply #{self.pk}: {self.question[:60]}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ExportFormat(models.TextChoices):
    JSONL = "jsonl"
    CSV = "csv"
    PARQUET = "parquet"


class TrainingExport(models.Model):
    """One training-data export: what was asked for, how far it got, and the manifest of the file it wrote.

    People who may read training data insert a queued row (the database refuses any other starting state, so
    nobody points an export at a file of their choosing); the service role runs it and fills in the rest.
    """

    status = models.TextField(choices=ExportStatus.choices, db_default=ExportStatus.QUEUED)
    format = models.TextField(choices=ExportFormat.choices)
    filters = models.JSONField(default=dict, blank=True, db_default=models.Value({}, models.JSONField()))
    requested_by = models.TextField()
    rows_done = models.BigIntegerField(db_default=0)
    rows_total = models.BigIntegerField(null=True, blank=True)
    manifest = models.JSONField(default=dict, blank=True, db_default=models.Value({}, models.JSONField()))
    error = models.TextField(null=True, blank=True)
    file_path = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pruned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "training_exports"
        ordering = ["-created_at", "-id"]
        verbose_name = "training export"
        verbose_name_plural = "training exports"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ExportStatus.values), name="training_exports_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=ExportFormat.values), name="training_exports_format_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at"], name="training_exports_created_idx"),
            # Pruning reads finished exports that still have a file.
            models.Index(
                fields=["finished_at"],
                condition=models.Q(file_path__isnull=False),
                name="training_exports_files_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Export #{self.pk} ({self.format}, {self.status})"

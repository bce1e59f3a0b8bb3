from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now

from hotdash.tenant_keys import tenant_key_not_blank

# The annotator workbench's own keys (templates/feedback/admin/annotate.html): a label cannot take one.
WORKBENCH_KEYS = ("y", "n", "s", "k", "t", "q")


class AnnotationState(models.TextChoices):
    OPEN = "open", "Needs annotations"
    ADJUDICATION = "adjudication", "Annotators disagree (QA adjudicates)"
    DONE = "done", "Final"


class AgentFeedback(models.Model):
    """A model draft with its final annotation: the raw material of the training set.

    Each annotator's own annotation is a FeedbackAnnotation row; the columns here hold the final values (the one
    annotator's, the agreed ones of an overlap draft, or QA's adjudication).
    """

    conversation_id = models.TextField()
    input_text = models.TextField()
    model_draft = models.TextField()
    safe_to_send = models.BooleanField(null=True, blank=True)
    labels = ArrayField(models.TextField(), default=list, blank=True, db_default=models.Value("{}"))
    rubric = models.JSONField(default=dict, blank=True, db_default=models.Value({}, models.JSONField()))
    annotator = models.TextField(null=True, blank=True)
    notes = models.TextField(null=True, blank=True)
    meta = models.JSONField(default=dict, blank=True, db_default=models.Value({}, models.JSONField()))
    # How many annotators label this draft: 1, or the overlap's N for the share of new drafts it samples. Left
    # out of an INSERT (0), a trigger draws it from annotation_overlap, for every writer.
    annotations_needed = models.PositiveSmallIntegerField(db_default=0)
    annotation_state = models.TextField(
        choices=AnnotationState.choices, default=AnnotationState.OPEN, db_default=AnnotationState.OPEN.value
    )
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "agent_feedback"
        ordering = ["-created_at"]
        verbose_name = "agent feedback"
        verbose_name_plural = "agent feedback"
        constraints = [
            tenant_key_not_blank("agent_feedback", "conversation_id"),
            models.CheckConstraint(
                condition=models.Q(annotations_needed__gte=1, annotations_needed__lte=10),
                name="agent_feedback_annotations_needed_1_10",
            ),
        ]
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
            # "Annotate next": the oldest open drafts, from a small index however many are done.
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(annotation_state="open"),
                name="agent_feedback_open_idx",
            ),
            # QA's adjudication list.
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(annotation_state="adjudication"),
                name="agent_feedback_adjud_idx",
            ),
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
    # The draft it was promoted from (none for a reply added by hand); the draft links back (gold_reply).
    source_feedback = models.OneToOneField(
        AgentFeedback, on_delete=models.SET_NULL, null=True, blank=True, related_name="gold_reply"
    )
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


class AnnotationLabel(models.Model):
    """The label vocabulary annotators choose from; admins keep it. A label in use is deactivated, not deleted."""

    name = models.TextField(unique=True)
    description = models.TextField(blank=True, default="", db_default="")
    # A CSS colour for the label's chip on the workbench, e.g. #2e8540.
    colour = models.TextField(default="#777777", db_default="#777777")
    # The key that toggles it on the workbench (one lower-case letter not taken by the workbench's own keys).
    key = models.CharField(max_length=1, unique=True, null=True, blank=True)
    active = models.BooleanField(default=True, db_default=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "annotation_labels"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="annotation_labels_name_present"),
            models.CheckConstraint(condition=models.Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="annotation_labels_colour_hex"),
            models.CheckConstraint(
                condition=models.Q(key__isnull=True) | models.Q(key__regex=r"^[a-z]$"), name="annotation_labels_key_letter"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.key and self.key in WORKBENCH_KEYS:
            raise ValidationError({"key": f"{self.key!r} is a key of the workbench itself ({', '.join(WORKBENCH_KEYS)})"})


class AnnotationOverlap(models.Model):
    """The one row saying which share of new drafts N annotators label (for agreement figures)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    share = models.DecimalField(max_digits=4, decimal_places=3)
    annotators = models.PositiveSmallIntegerField(default=2)
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "annotation_overlap"
        verbose_name = "annotation overlap"
        verbose_name_plural = "annotation overlap"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="annotation_overlap_single_row"),
            models.CheckConstraint(condition=models.Q(share__gte=0, share__lte=1), name="annotation_overlap_share_0_1"),
            models.CheckConstraint(
                condition=models.Q(annotators__gte=2, annotators__lte=10), name="annotation_overlap_annotators_2_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.share:.1%} of new drafts by {self.annotators} annotators"


class FeedbackAnnotation(models.Model):
    """One annotator's annotation of one draft. Append-only: a rework is a new row; the latest one counts."""

    feedback = models.ForeignKey(AgentFeedback, on_delete=models.CASCADE, related_name="annotations")
    annotator = models.TextField()
    safe_to_send = models.BooleanField()
    labels = ArrayField(models.TextField(), default=list, blank=True, db_default=models.Value("{}"))
    rubric = models.JSONField()
    notes = models.TextField(null=True, blank=True)
    # From the moment the annotator got the draft (its lease) to the save, measured by the server.
    seconds_spent = models.PositiveIntegerField()
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "feedback_annotations"
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~models.Q(annotator=""), name="feedback_annotations_annotator_present")]
        indexes = [
            # A draft's annotations, the latest per annotator (DISTINCT ON), and "has this annotator done it?".
            models.Index(fields=["feedback", "annotator", "-id"], name="feedback_annotations_draft_idx"),
            # An annotator's own work by day (progress).
            models.Index(fields=["annotator", "-created_at"], name="feedback_annotations_by_idx"),
        ]

    def __str__(self) -> str:
        return f"Annotation #{self.pk} of draft #{self.feedback_id} by {self.annotator}"


class AnnotationLease(models.Model):
    """The draft an annotator holds: no one else gets it from "next" until it is saved, skipped or expires."""

    feedback = models.OneToOneField(AgentFeedback, on_delete=models.CASCADE, primary_key=True, related_name="lease")
    holder = models.TextField()
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        db_table = "annotation_leases"
        indexes = [models.Index(fields=["holder"], name="annotation_leases_holder_idx")]

    def __str__(self) -> str:
        return f"{self.holder} until {self.expires_at:%H:%M:%S}"


class ReviewOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    SENT_BACK = "sent_back", "Sent back"
    ADJUDICATED = "adjudicated", "Adjudicated"


class AnnotationReview(models.Model):
    """QA's audit trail: an annotation accepted or sent back, or a draft's final values adjudicated. Append-only."""

    feedback = models.ForeignKey(AgentFeedback, on_delete=models.CASCADE, related_name="reviews")
    # The annotation reviewed; none for an adjudication, which sets the draft's final values.
    annotation = models.ForeignKey(FeedbackAnnotation, on_delete=models.CASCADE, null=True, blank=True)
    # Whose annotation it was (none for an adjudication): they read the reviews of their own work.
    annotator = models.TextField(null=True, blank=True)
    reviewer = models.TextField()
    outcome = models.TextField(choices=ReviewOutcome.choices)
    comment = models.TextField(null=True, blank=True)
    # An adjudication's final values.
    final = models.JSONField(null=True, blank=True)
    request_id = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "annotation_reviews"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(outcome__in=ReviewOutcome.values), name="annotation_reviews_outcome_check"),
            models.CheckConstraint(
                condition=~models.Q(outcome=ReviewOutcome.SENT_BACK) | models.Q(comment__isnull=False),
                name="annotation_reviews_sent_back_has_comment",
            ),
        ]
        indexes = [
            models.Index(fields=["feedback", "-created_at"], name="annotation_reviews_draft_idx"),
            models.Index(fields=["annotator", "-created_at"], name="annotation_reviews_annot_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} by {self.reviewer}"


class AnnotationRework(models.Model):
    """A draft QA sent back to one annotator: it comes first in their queue, with QA's comment, until they save."""

    feedback = models.ForeignKey(AgentFeedback, on_delete=models.CASCADE, related_name="rework")
    annotator = models.TextField()
    review = models.ForeignKey(AnnotationReview, on_delete=models.CASCADE)
    comment = models.TextField()
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "annotation_rework"
        constraints = [
            models.UniqueConstraint(fields=["feedback", "annotator"], name="annotation_rework_one_per_annotator"),
        ]
        indexes = [models.Index(fields=["annotator", "created_at"], name="annotation_rework_queue_idx")]

    def __str__(self) -> str:
        return f"Draft #{self.feedback_id} back to {self.annotator}"


class AnnotationSkip(models.Model):
    """A draft an annotator skipped: "next" moves past it for them (for HOTDASH_ANNOTATION_SKIP_HOURS), in the
    workbench and the API alike; anyone else still gets it."""

    feedback = models.ForeignKey(AgentFeedback, on_delete=models.CASCADE, related_name="skips")
    annotator = models.TextField()
    skipped_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "annotation_skips"
        constraints = [
            models.UniqueConstraint(fields=["annotator", "feedback"], name="annotation_skips_one_per_annotator"),
        ]
        # "next": this annotator's latest skips.
        indexes = [models.Index(fields=["annotator", "-skipped_at"], name="annotation_skips_recent_idx")]

    def __str__(self) -> str:
        return f"Draft #{self.feedback_id} skipped by {self.annotator}"


class DraftRedaction(models.Model):
    """A draft's lines of an export file (JSON Lines and CSV), redacted ahead of any export, so that an export
    copies them instead of redacting the draft.

    Valid while the draft's `updated_at` and the key it was made with (the redactor's rules, phonenumbers'
    version, the regions and leniency, and the line format) are current; otherwise an export ignores it and
    redacts the draft itself. Written and read by the service role only (feedback/exports/stored_redactions.py,
    docs/exports.md).
    """

    # The database deletes these with their draft (ON DELETE CASCADE, feedback/sql/0014_draft_redactions.sql),
    # for every writer: Django must not collect them first, as the roles that delete drafts cannot read them.
    feedback = models.OneToOneField(
        AgentFeedback, on_delete=models.DO_NOTHING, primary_key=True, db_constraint=False, related_name="+"
    )
    source_updated_at = models.DateTimeField()
    made_with = models.TextField()
    jsonl = models.TextField()
    csv = models.TextField()
    # What the redactor replaced in this draft, added to an export's manifest.
    emails = models.PositiveIntegerField()
    phones = models.PositiveIntegerField()
    cards = models.PositiveIntegerField()
    ips = models.PositiveIntegerField()
    names = models.PositiveIntegerField()

    class Meta:
        db_table = "feedback_redactions"

    def __str__(self) -> str:
        return f"Redacted lines of draft #{self.feedback_id}"


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


# --- aggregates kept by triggers (feedback/sql/0012_annotation_rollups.sql) ----------------------------------
#
# The team's progress page and the agreement figures read these instead of every draft and every overlap
# annotation. Triggers on agent_feedback and feedback_annotations keep them in the same transaction as the
# change, so they are never stale; nothing in the application writes them. `annotation_rollups_check` (and
# the tests) compare them with the direct computation.


class AnnotationWorkDaily(models.Model):
    """Annotations per UTC day, annotator and seconds spent: a histogram, so the median stays exact."""

    day = models.DateField()
    annotator = models.TextField()
    seconds_spent = models.IntegerField()
    annotations = models.BigIntegerField()
    unsafe = models.BigIntegerField()

    class Meta:
        db_table = "annotation_work_daily"
        verbose_name = "annotation work per day"
        verbose_name_plural = "annotation work per day"
        constraints = [
            models.UniqueConstraint(fields=["day", "annotator", "seconds_spent"], name="annotation_work_daily_key"),
        ]
        indexes = [
            # An annotator's own tile (their rows only, by day).
            models.Index(fields=["annotator", "day"], name="annotation_work_daily_by_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.annotator}: {self.annotations} in {self.seconds_spent} s"


class AnnotationQualityDaily(models.Model):
    """Drafts per UTC day of creation: by state, in the overlap, final verdicts, rubric sums and counts."""

    day = models.DateField(unique=True)
    drafts = models.BigIntegerField()
    final = models.BigIntegerField()
    open = models.BigIntegerField()
    adjudication = models.BigIntegerField()
    overlap = models.BigIntegerField()
    safe = models.BigIntegerField()
    unsafe = models.BigIntegerField()
    clarity_sum = models.DecimalField(max_digits=30, decimal_places=6)
    clarity_count = models.BigIntegerField()
    accuracy_sum = models.DecimalField(max_digits=30, decimal_places=6)
    accuracy_count = models.BigIntegerField()
    tone_sum = models.DecimalField(max_digits=30, decimal_places=6)
    tone_count = models.BigIntegerField()

    class Meta:
        db_table = "annotation_quality_daily"
        verbose_name = "training data quality per day"
        verbose_name_plural = "training data quality per day"

    def __str__(self) -> str:
        return f"{self.day}: {self.drafts} drafts"


class AnnotationLabelDaily(models.Model):
    """Final drafts per UTC day of creation and label."""

    day = models.DateField()
    label = models.TextField()
    drafts = models.BigIntegerField()

    class Meta:
        db_table = "annotation_labels_daily"
        constraints = [models.UniqueConstraint(fields=["day", "label"], name="annotation_labels_daily_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.label}: {self.drafts}"


class AgreementUnit(models.Model):
    """The votes an overlap draft contributes to the agreement totals now: each annotator's latest annotation.

    What a later change subtracts before adding the new votes. No foreign key: it outlives its draft for the
    moment a deletion needs it.
    """

    feedback_id = models.BigIntegerField(unique=True)
    votes = models.JSONField()

    class Meta:
        db_table = "annotation_agreement_units"

    def __str__(self) -> str:
        return f"votes on draft #{self.feedback_id}"


class AgreementCoincidence(models.Model):
    """Krippendorff's coincidences, undivided: ordered pairs of values two different annotators gave one draft,
    per field and per number of annotators of the draft (each pair weighs 1 / (annotators - 1))."""

    field = models.TextField()
    annotators = models.SmallIntegerField()
    value_a = models.SmallIntegerField()
    value_b = models.SmallIntegerField()
    pairs = models.BigIntegerField()

    class Meta:
        db_table = "annotation_agreement_coincidences"
        constraints = [
            models.UniqueConstraint(
                fields=["field", "annotators", "value_a", "value_b"], name="annotation_agreement_coincidences_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field} ({self.annotators}): {self.value_a}-{self.value_b} x {self.pairs}"


class AgreementLabel(models.Model):
    """Overlap drafts per label, number of annotators and how many of them applied the label (at least one)."""

    label = models.TextField()
    annotators = models.SmallIntegerField()
    applied = models.SmallIntegerField()
    drafts = models.BigIntegerField()

    class Meta:
        db_table = "annotation_agreement_labels"
        constraints = [
            models.UniqueConstraint(fields=["label", "annotators", "applied"], name="annotation_agreement_labels_key"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.applied} of {self.annotators}): {self.drafts}"


class AgreementPair(models.Model):
    """Per annotator pair (a < b), on the drafts both labelled: items, same verdict, and each one's "safe"s."""

    annotator_a = models.TextField()
    annotator_b = models.TextField()
    items = models.BigIntegerField()
    agree = models.BigIntegerField()
    safe_a = models.BigIntegerField()
    safe_b = models.BigIntegerField()

    class Meta:
        db_table = "annotation_agreement_pairs"
        constraints = [
            models.UniqueConstraint(fields=["annotator_a", "annotator_b"], name="annotation_agreement_pairs_key"),
        ]

    def __str__(self) -> str:
        return f"{self.annotator_a} · {self.annotator_b}: {self.items}"

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Now

from hotdash.tenant_keys import tenant_key_not_blank


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"


class AgentApproval(models.Model):
    """An agent run paused on a tool that needs a human decision (table from the production schema)."""

    conversation_id = models.TextField()
    # The agent SDK's serialized run state, stored as received so the agent can resume from it.
    serialized = models.JSONField()
    last_interruptions = models.JSONField(default=list, db_default=models.Value([], models.JSONField()))
    status = models.TextField(
        choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING, db_default=ApprovalStatus.PENDING
    )
    approved_by = models.TextField(null=True, blank=True, help_text="Who decided (the production column name).")
    reason = models.TextField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Idempotency key of the interruptions this approval covers: posting the same state twice finds this row.
    call_id = models.TextField(null=True, blank=True)
    # The agent SDK's "$schemaVersion" of `serialized`.
    schema_version = models.TextField(null=True, blank=True)
    # Filled by a trigger from last_interruptions (every writer, COPY included): the queue filters on them.
    agent = models.TextField(null=True, blank=True, editable=False)
    tool_names = ArrayField(models.TextField(), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "agent_approvals"
        ordering = ["-created_at"]
        constraints = [
            tenant_key_not_blank("agent_approvals", "conversation_id"),
            models.CheckConstraint(
                condition=models.Q(status__in=ApprovalStatus.values), name="agent_approvals_status_check"
            ),
            # A decided approval says when it was decided; a pending one has no decision yet.
            models.CheckConstraint(
                condition=models.Q(status=ApprovalStatus.PENDING, decided_at__isnull=True)
                | ~models.Q(status=ApprovalStatus.PENDING),
                name="agent_approvals_pending_undecided_check",
            ),
            models.UniqueConstraint(
                fields=["call_id"], condition=models.Q(call_id__isnull=False), name="agent_approvals_call_id_key"
            ),
        ]
        indexes = [
            # An agent looks up its own conversation's approvals.
            models.Index(fields=["conversation_id"], name="agent_approvals_conv_idx"),
            # History and retention scan by age.
            models.Index(fields=["-created_at"], name="agent_approvals_created_idx"),
            # Counts per status on the dashboard.
            models.Index(fields=["status"], name="agent_approvals_status_idx"),
            # The operator queue: pending, oldest first.
            models.Index(
                fields=["created_at"],
                condition=models.Q(status=ApprovalStatus.PENDING),
                name="agent_approvals_pending_idx",
            ),
            # The queue filtered by agent, oldest first; and the agent filter's choices.
            models.Index(
                fields=["agent", "created_at"],
                condition=models.Q(status=ApprovalStatus.PENDING),
                name="approvals_pending_agent_idx",
            ),
            # The queue filtered by tool (tool_names @> ARRAY['issue_refund']).
            GinIndex(
                fields=["tool_names"],
                condition=models.Q(status=ApprovalStatus.PENDING),
                name="approvals_pending_tools_gin",
            ),
            # Expiry finds pending rows past their TTL.
            models.Index(
                fields=["expires_at"],
                condition=models.Q(status=ApprovalStatus.PENDING),
                name="approvals_pending_expiry_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Approval #{self.pk} ({self.status}) for {self.conversation_id}"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"


class DecisionChannel(models.TextChoices):
    ADMIN = "admin", "Operator workbench"
    BULK = "bulk", "Bulk action"
    API = "api", "API"
    EXPIRY = "expiry", "Expiry job"


class ApprovalDecision(models.Model):
    """The audit row of the one decision an approval gets. Append-only; one per approval, enforced by the database."""

    approval = models.OneToOneField(AgentApproval, on_delete=models.CASCADE, related_name="decision")
    outcome = models.TextField(choices=DecisionOutcome.choices)
    decided_by = models.TextField()
    reason = models.TextField(null=True, blank=True)
    via = models.TextField(choices=DecisionChannel.choices)
    # The console's own id of the request that decided (generated per request, never the caller's).
    request_id = models.TextField(null=True, blank=True)
    # The id the caller sent in X-Request-ID, kept to join up with its logs; it proves nothing.
    client_request_id = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "approval_decisions"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=DecisionOutcome.values), name="approval_decisions_outcome_check"
            ),
            models.CheckConstraint(condition=models.Q(via__in=DecisionChannel.values), name="approval_decisions_via_check"),
        ]
        indexes = [
            # An operator's own decisions, newest first.
            models.Index(fields=["decided_by", "-created_at"], name="approval_decisions_by_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} by {self.decided_by}"


class ApprovalLease(models.Model):
    """A short claim on a pending approval by the operator who has it open, so "next" skips it for others."""

    approval = models.OneToOneField(AgentApproval, on_delete=models.CASCADE, primary_key=True, related_name="lease")
    holder = models.TextField()
    expires_at = models.DateTimeField()

    class Meta:
        db_table = "approval_leases"

    def __str__(self) -> str:
        return f"{self.holder} until {self.expires_at:%H:%M:%S}"

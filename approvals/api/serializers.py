from rest_framework import serializers

from approvals.models import AgentApproval, ApprovalStatus
from approvals.services import MAX_REASON_LENGTH, MAX_TTL_SECONDS, MIN_TTL_SECONDS


class ApprovalCreateSerializer(serializers.Serializer):
    conversation_id = serializers.CharField(max_length=200)
    serialized = serializers.JSONField(
        help_text="The agent SDK's RunState.to_string() output, as a JSON object or as that string."
    )
    ttl_seconds = serializers.IntegerField(
        required=False, min_value=MIN_TTL_SECONDS, max_value=MAX_TTL_SECONDS,
        help_text="How long operators have to decide before the approval expires (default 24 h).",
    )


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=MAX_REASON_LENGTH)


class RejectionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_REASON_LENGTH, help_text="Shown to the agent's model.")


class WaitSerializer(serializers.Serializer):
    wait = serializers.IntegerField(required=False, min_value=0, max_value=60, default=0)


class ApprovalSerializer(serializers.ModelSerializer):
    """What an agent needs to resume, and what an operator needs to see, of one approval."""

    interruptions = serializers.SerializerMethodField(
        help_text="Each tool call the run paused on, with the decision that applies to it (null while pending)."
    )
    decided_by = serializers.CharField(source="approved_by", read_only=True, allow_null=True)

    class Meta:
        model = AgentApproval
        fields = [
            "id", "conversation_id", "status", "schema_version", "agent", "interruptions", "reason",
            "decided_by", "decided_at", "expires_at", "created_at", "updated_at",
        ]
        read_only_fields = fields

    def get_interruptions(self, approval: AgentApproval) -> list[dict]:
        decision = None if approval.status == ApprovalStatus.PENDING else approval.status
        return [{**item, "decision": decision} for item in approval.last_interruptions]


class ApprovalDetailSerializer(ApprovalSerializer):
    class Meta(ApprovalSerializer.Meta):
        fields = [*ApprovalSerializer.Meta.fields, "serialized"]
        read_only_fields = fields

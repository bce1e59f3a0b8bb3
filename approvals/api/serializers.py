from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.models import AgentApproval, ApprovalStatus
from approvals.services import MAX_REASON_LENGTH, MAX_TTL_SECONDS, MIN_TTL_SECONDS
from hotdash.api.fields import RunStateField, TextField


class ApprovalCreateSerializer(serializers.Serializer):
    conversation_id = TextField(max_length=200)
    serialized = RunStateField()
    ttl_seconds = serializers.IntegerField(
        required=False, min_value=MIN_TTL_SECONDS, max_value=MAX_TTL_SECONDS,
        help_text="How long operators have to decide before the approval expires (default 24 h).",
    )


class DecisionSerializer(serializers.Serializer):
    reason = TextField(required=False, allow_blank=True, max_length=MAX_REASON_LENGTH)


class RejectionSerializer(serializers.Serializer):
    reason = TextField(max_length=MAX_REASON_LENGTH, help_text="Shown to the agent's model.")


class WaitSerializer(serializers.Serializer):
    wait = serializers.IntegerField(
        required=False, min_value=0, max_value=60, default=0,
        help_text="Seconds to wait for a decision before answering with the approval as it is.",
    )


class InterruptionSerializer(serializers.Serializer):
    tool_name = serializers.CharField()
    arguments = serializers.DictField()
    call_id = serializers.CharField()
    agent = serializers.CharField()
    decision = serializers.ChoiceField(
        choices=["approved", "rejected", "expired"], allow_null=True, help_text="null while pending"
    )


class ApprovalSerializer(serializers.Serializer):
    """What an agent needs to resume, and what an operator needs to see, of one approval.

    Fields are declared, not introspected from the model: a ModelSerializer rebuilds them on every
    response, a noticeable part of a decision's server time (docs/benchmarks.md).
    """

    id = serializers.IntegerField(read_only=True)
    conversation_id = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=ApprovalStatus.choices, read_only=True)
    schema_version = serializers.CharField(read_only=True, allow_null=True)
    agent = serializers.CharField(read_only=True, allow_null=True)
    interruptions = serializers.SerializerMethodField(
        help_text="Each tool call the run paused on, with the decision that applies to it (null while pending)."
    )
    reason = serializers.CharField(read_only=True, allow_null=True)
    decided_by = serializers.CharField(source="approved_by", read_only=True, allow_null=True)
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)
    expires_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(InterruptionSerializer(many=True))
    def get_interruptions(self, approval: AgentApproval) -> list[dict]:
        decision = None if approval.status == ApprovalStatus.PENDING else approval.status
        return [{**item, "decision": decision} for item in approval.last_interruptions]


class ApprovalDetailSerializer(ApprovalSerializer):
    serialized = serializers.JSONField(read_only=True, help_text="The run state as the agent posted it.")

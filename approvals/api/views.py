from dataclasses import asdict

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api.filters import ApprovalFilter
from approvals.api.serializers import (
    ApprovalCreateSerializer,
    ApprovalDetailSerializer,
    ApprovalSerializer,
    DecisionSerializer,
    RejectionSerializer,
    WaitSerializer,
)
from approvals.models import ApprovalStatus, DecisionChannel, DecisionOutcome
from approvals.realtime import approval_wait
from approvals.selectors import approval_list
from approvals.services import ApprovalAlreadyDecided, ApprovalNotFound, approval_create, approval_decide
from hotdash.api.schema import refusal
from hotdash.db_context import Role, acting_as

READERS = {Role.INGEST, Role.OPERATOR, Role.SUPERVISOR, Role.TENANT}
# Only a person decides: the agent platform's token (ingest) queues and reads, so an agent talked into
# approving its own request cannot (the database refuses it too: ingest holds no UPDATE).
DECIDERS = {Role.OPERATOR, Role.SUPERVISOR}
# One output serializer for every answer of the decide endpoint: its fields are built once, not per request
# (to_representation only reads them, so sharing it across threads is safe).
APPROVAL = ApprovalSerializer()


class ApprovalListCreateView(generics.ListCreateAPIView):
    """The agent platform queues a paused run (POST); agents and operators list approvals (GET)."""

    # A list shows the interruptions, not the run states (kilobytes each): GET {id}/ has those.
    queryset = approval_list().defer("serialized")
    serializer_class = ApprovalSerializer
    filterset_class = ApprovalFilter
    # Pages are cut on created_at (NewestFirstCursorPagination); other orders would page wrongly.
    ordering_fields = ["created_at"]
    allowed_roles = {"GET": READERS, "POST": {Role.INGEST}}

    def get_serializer_class(self):
        return ApprovalCreateSerializer if self.request.method == "POST" else ApprovalSerializer

    @extend_schema(
        request=ApprovalCreateSerializer,
        responses={
            201: ApprovalDetailSerializer,
            200: OpenApiResponse(ApprovalDetailSerializer, description="These paused calls were queued already."),
            409: refusal(409),
        },
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        incoming = ApprovalCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        approval, created = approval_create(**incoming.validated_data)
        body = ApprovalDetailSerializer(approval).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ApprovalDetailView(APIView):
    """One approval with its decision. `?wait=N` (N <= 60 s) answers as soon as it is decided or expired.

    It reads in short transactions of its own (db_context_per_read) so a waiting agent holds no database
    connection inside a transaction while it waits.
    """

    db_context_per_read = True
    allowed_roles = READERS
    serializer_class = ApprovalDetailSerializer

    @extend_schema(parameters=[WaitSerializer], responses=ApprovalDetailSerializer)
    def get(self, request, pk: int):
        wait = WaitSerializer(data=request.query_params)
        wait.is_valid(raise_exception=True)
        context = asdict(request.db_context)
        found = {}

        def settled() -> bool:
            with acting_as(**context):
                found["approval"] = approval_list().filter(pk=pk).first()
            return found["approval"] is None or found["approval"].status != ApprovalStatus.PENDING

        if wait.validated_data["wait"]:
            approval_wait(pk, seconds=wait.validated_data["wait"], settled=settled)
        else:
            settled()
        if found["approval"] is None:
            raise ApprovalNotFound(pk)
        return Response(ApprovalDetailSerializer(found["approval"]).data)


class ApprovalDecideView(APIView):
    """POST .../approve/ or .../reject/: decide once. 409 with the current state when already decided."""

    allowed_roles = DECIDERS
    outcome: str = ""

    def get_serializer_class(self):
        return RejectionSerializer if self.outcome == DecisionOutcome.REJECTED else DecisionSerializer

    @extend_schema(
        responses={
            200: ApprovalSerializer,
            409: OpenApiResponse(
                {"type": "object", "properties": {"detail": {"type": "string"}, "approval": {"type": "object"}}},
                description="Already decided (or expired): `approval` is its current state.",
            ),
        }
    )
    def post(self, request, pk: int):
        incoming = self.get_serializer_class()(data=request.data)
        incoming.is_valid(raise_exception=True)
        approval = approval_decide(
            approval_id=pk,
            outcome=self.outcome,
            decided_by=request.user.get_username(),
            reason=incoming.validated_data.get("reason"),
            via=DecisionChannel.API,
            request_id=request.request_id,
            client_request_id=request.client_request_id,
        )
        return Response(APPROVAL.to_representation(approval))

    def error_details(self, exc) -> dict:
        """With a 409, the approval as it now is: the client resumes from that decision, not its own."""
        if isinstance(exc, ApprovalAlreadyDecided):
            return {"approval": APPROVAL.to_representation(exc.approval)}
        return {}

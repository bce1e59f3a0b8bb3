import time
from dataclasses import asdict
from functools import partial

from django.conf import settings
from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import Throttled
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
from approvals.realtime import approval_wait, wait_slot_release, wait_slot_take, wakeups
from approvals.selectors import approval_list
from approvals.services import ApprovalAlreadyDecided, ApprovalNotFound, approval_create, approval_decide
from hotdash.api.schema import refusal
from hotdash.db_context import Role, acting_as
from hotdash.long_poll import Parked, parking_available

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

    Under the ASGI server the wait is parked (hotdash/long_poll.py): the request ends, and the answer is sent
    from the event loop when the approval's wake-up comes, holding no thread or connection meanwhile. Under a
    WSGI server it waits in its thread. Either way it reads in short transactions of its own
    (db_context_per_read), and one caller holds at most HOTDASH_WAITS_PER_TOKEN waits at once (429 past it).
    """

    db_context_per_read = True
    allowed_roles = READERS
    serializer_class = ApprovalDetailSerializer

    @extend_schema(parameters=[WaitSerializer], responses={200: ApprovalDetailSerializer, 429: refusal(429)})
    def get(self, request, pk: int):
        wait = WaitSerializer(data=request.query_params)
        wait.is_valid(raise_exception=True)
        seconds = wait.validated_data["wait"]
        context = asdict(request.db_context)
        approval = _approval_read(pk, context)
        if approval is None:
            raise ApprovalNotFound(pk)
        if not seconds or approval.status != ApprovalStatus.PENDING:
            return Response(ApprovalDetailSerializer(approval).data)
        holder = _wait_holder(request)
        if not wait_slot_take(holder):
            raise Throttled(detail=f"This token already holds {settings.HOTDASH_WAITS_PER_TOKEN} waits (HOTDASH_WAITS_PER_TOKEN).")
        if parking_available(request):
            return self._parked(pk, context, holder, seconds, approval)
        try:
            found = {"approval": approval}

            def settled() -> bool:
                found["approval"] = _approval_read(pk, context) or found["approval"]
                return found["approval"].status != ApprovalStatus.PENDING

            approval_wait(pk, seconds=seconds, settled=settled)
        finally:
            wait_slot_release(holder)
        return Response(ApprovalDetailSerializer(found["approval"]).data)

    @staticmethod
    def _parked(pk: int, context: dict, holder: str, seconds: int, approval) -> Response:
        response = Response(ApprovalDetailSerializer(approval).data)

        def reread() -> tuple[bool, bytes]:
            try:
                current = _approval_read(pk, context)
            finally:
                connection.close()  # this pooled thread's connection: the waiter holds none while it waits
            # Gone meanwhile (a tenant's data erased): the last read stands.
            current = current or approval
            body = response.accepted_renderer.render(
                ApprovalDetailSerializer(current).data, response.accepted_media_type, response.renderer_context
            )
            return current.status != ApprovalStatus.PENDING, body

        response.parked = Parked(
            until=time.monotonic() + seconds,
            changed=partial(wakeups.changed, pk),
            reread=reread,
            release=partial(wait_slot_release, holder),
        )
        return response


def _approval_read(pk: int, context: dict):
    with acting_as(**context):
        return approval_list().filter(pk=pk).first()


def _wait_holder(request) -> str:
    """Whose waits count together: the bearer token's id, or the console user's."""
    token = getattr(request, "access_token", None)
    if token is not None:
        return f"token:{token['jti']}"
    return f"user:{request.user.pk}"


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

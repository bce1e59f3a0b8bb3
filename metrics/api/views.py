from rest_framework import mixins, viewsets

from hotdash.db_context import Role
from metrics.api.filters import FactFilter
from metrics.api.serializers import FactSerializer
from metrics.selectors import fact_list
from metrics.services import fact_create


class FactViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Analytics facts. A tenant reads and writes its own project only; the AI read-only role reads all."""

    queryset = fact_list()
    serializer_class = FactSerializer
    filterset_class = FactFilter
    ordering_fields = ["created_at"]
    allowed_roles = {
        "list": {Role.INGEST, Role.TENANT, Role.AI_READONLY},
        "retrieve": {Role.INGEST, Role.TENANT, Role.AI_READONLY},
        "create": {Role.INGEST, Role.TENANT},
    }

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = fact_create(
            project=data.get("project"), topic=data["topic"], key=data["key"], value=data["value"]
        )

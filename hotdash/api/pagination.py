from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination

from hotdash import inputs


class NewestFirstCursorPagination(CursorPagination):
    """Stable pages on tables that grow while they are read (no OFFSET scans, no skipped rows).

    `page_size` outside 1..max_page_size is a 400 (DRF would silently use another size); a cursor whose
    position PostgreSQL cannot compare (it is base64 the client can forge) is the same 404 as any bad cursor.
    """

    ordering = ("-created_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        if not (given.isascii() and given.isdigit()) or not 1 <= int(given) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"Must be a whole number from 1 to {self.max_page_size}."]})
        return int(given)

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and not self._comparable(cursor.position):
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def _comparable(self, position: str) -> bool:
        # Every ordering of ours starts with a time stamp column (created_at, or an event's timestamp).
        if inputs.text_problem(position, max_length=inputs.MAX_FILTER_LENGTH):
            return False
        try:
            parsed = parse_datetime(position)
            return parsed is not None and inputs.timestamp_storable(parsed) is not None
        except ValueError:
            return False

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size, default=self.page_size)
        return parameters


class MetricsPagination(PageNumberPagination):
    """Numbered pages over the metrics views: small aggregates (an agent, a day, a rule per row)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        if not (given.isascii() and given.isdigit()) or not 1 <= int(given) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"Must be a whole number from 1 to {self.max_page_size}."]})
        return int(given)

    def get_page_number(self, request, paginator):
        given = request.query_params.get(self.page_query_param, "1")
        if not (given.isascii() and given.isdigit()) or not 1 <= int(given) <= 1_000_000:
            raise NotFound(self.invalid_page_message.format(page_number=given[:20], message="Not a page number."))
        return given

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size, default=self.page_size)
            if parameter["name"] == self.page_query_param:
                parameter["schema"].update(minimum=1, maximum=1_000_000)
        return parameters

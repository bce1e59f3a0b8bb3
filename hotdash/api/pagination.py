from rest_framework.pagination import CursorPagination, PageNumberPagination


class NewestFirstCursorPagination(CursorPagination):
    """Stable pages on tables that grow while they are read (no OFFSET scans, no skipped rows)."""

    ordering = ("-created_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 500


class MetricsPagination(PageNumberPagination):
    """Numbered pages over the metrics views: small aggregates (an agent, a day, a rule per row)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

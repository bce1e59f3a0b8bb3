import pytest
from django.db import connections

from hotdash.admin import LargeTablePaginator, pretty_json, table_row_estimate, truncated
from hotdash.db_context import Role, acting_as
from metrics.models import ObservabilityLog
from tests.metrics.factories import ObservabilityLogFactory


def test_pretty_json_indents_and_escapes():
    html = pretty_json({"reply": "<script>alert(1)</script>", "n": [1, 2], "é": None})

    assert html.startswith('<pre class="hotdash-json"')
    assert html.endswith(
        '>{\n  &quot;reply&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;,\n'
        "  &quot;n&quot;: [\n    1,\n    2\n  ],\n  &quot;é&quot;: null\n}</pre>"
    )


def test_truncated_cuts_long_text_with_an_ellipsis():
    assert truncated("a" * 100, 10) == "a" * 9 + "…"
    assert truncated("short", 10) == "short"
    assert truncated(None) == ""


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_large_table_paginator_estimates_only_an_unfiltered_list():
    # given a table analysed at 3 rows, then grown by 2 ERROR rows the statistics do not know about yet
    with acting_as(Role.SERVICE):
        ObservabilityLogFactory.create_batch(3)
    with connections["owner"].cursor() as cursor:
        cursor.execute("ANALYZE observability_logs")
    with acting_as(Role.SERVICE):
        ObservabilityLogFactory.create_batch(2, level="ERROR")

    with acting_as(Role.MONITORING):
        everything = ObservabilityLog.objects.order_by("-created_at")
        errors = everything.filter(level="ERROR")
        assert table_row_estimate("observability_logs") == 3

        # when the estimate is above the threshold, the unfiltered list takes it; a filtered list counts
        eager = type("EagerPaginator", (LargeTablePaginator,), {"estimate_above": 1})
        assert eager(everything, 50).count == 3
        assert eager(errors, 50).count == 2
        # below the threshold (the default 100,000) every list counts exactly
        assert LargeTablePaginator(everything, 50).count == 5


@pytest.mark.django_db
def test_table_row_estimate_of_a_missing_table_is_minus_one():
    assert table_row_estimate("no_such_table") == -1

"""How many statements each workbench page sends: the queue at a million rows is bound by them (issue 8, §2).

Counted as a production request sends them: the test's own savepoint around the request, its release and the
context reset after it are left out (in production the request's transaction is the outermost one: BEGIN and
COMMIT, which Django does not log as queries here). Budget: at most 10 per queue page (docs/benchmarks.md).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import selectors
from approvals.models import AgentApproval
from approvals.services import approval_decide
from hotdash.admin import LargeTablePaginator
from hotdash.db_context import Role, acting_as
from tests.approvals.test_admin import QUEUE_URL, login, queued

pytestmark = pytest.mark.django_db
STATS_URL = reverse("admin:approvals_agentapproval_queue_stats")


@pytest.fixture
def operator(client, django_user_model):
    return login(client, django_user_model, "olga", "Operators")


def statements(client, url: str, data=None, *, warm: bool = True) -> list[str]:
    if warm:
        # as between two real page views: the filter choices are shared for a minute, the queue's counts for 2 s
        client.get(url, data)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200
    return [
        q["sql"] for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT")) and "set_config('role', 'none'" not in q["sql"]
    ]


@pytest.fixture
def queue():
    return [queued(f"call_{i}", minutes_old=i % 9) for i in range(60)]


# session, user, groups (its role), set_config (role and tenant), permissions (one query), table privileges
# (one query), the page of rows; the queue's counts (header and page count at once) come from Redis, shared for 2 s.
QUEUE_PAGE = 7


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, QUEUE_PAGE),
        ({"p": "2"}, QUEUE_PAGE),
        ({"sla": "breached"}, QUEUE_PAGE),
        # a filter the header did not count: one bounded count (at most 10,001 rows read; 1,001 for the tool)
        ({"agent": "support-agent"}, QUEUE_PAGE + 1),
        ({"tool": "issue_refund"}, QUEUE_PAGE + 1),
        ({"status": "approved"}, QUEUE_PAGE + 1),
    ],
)
def test_a_queue_page_sends_at_most_ten_statements(operator, queue, params, expected):
    sent = statements(operator, QUEUE_URL, params)

    assert len(sent) == expected, "\n".join(sent)
    assert len(sent) <= 10


def test_the_queue_counts_its_rows_once_for_the_header_and_the_pages(operator, queue):
    selectors.approval_queue_stats_forget()

    sent = statements(operator, QUEUE_URL, warm=False)

    counts = [sql for sql in sent if "count(" in sql.lower()]
    assert len(counts) == 1
    assert len(sent) == QUEUE_PAGE + 1
    page = operator.get(QUEUE_URL)
    assert page.context["cl"].result_count == 60
    assert "more than" not in page.content.decode()


def test_open_queues_share_one_count_until_the_queue_changes(operator, queue, client, django_user_model):
    # given two operators polling the live counts
    other = login(type(client)(), django_user_model, "otto", "Operators")
    selectors.approval_queue_stats_forget()
    first = statements(operator, STATS_URL, warm=False)

    # when the second polls, nothing is counted again
    second = statements(other, STATS_URL, warm=False)

    assert [sql for sql in first if "count(" in sql] and not [sql for sql in second if "count(" in sql]
    # and when one approval is decided, the next poll counts again and sees it
    with acting_as(Role.OPERATOR):
        approval_decide(approval_id=queue[0].pk, outcome="approved", decided_by="olga")
    assert other.get(STATS_URL).json()["pending"] == 59
    assert queued("call_new").pk and other.get(STATS_URL).json()["pending"] == 60


def test_the_table_privileges_are_read_in_one_statement_for_the_whole_sidebar(operator, queue):
    sent = statements(operator, QUEUE_URL)

    assert len([sql for sql in sent if "has_table_privilege" in sql]) == 1


def test_the_item_page_reads_the_approval_and_its_decision_in_one_statement(operator):
    approval = queued("call_1")

    sent = statements(operator, reverse("admin:approvals_agentapproval_change", args=[approval.pk]))

    # session, user, groups, set_config, permissions, privileges, the approval with its decision, the lease claim
    assert len(sent) == 8, "\n".join(sent)
    assert [sql for sql in sent if "agent_approvals" in sql and "approval_decisions" in sql]


def test_the_live_counts_send_no_statement_beyond_the_request_s_own_while_shared(operator, queue):
    sent = statements(operator, STATS_URL)

    # session, user, groups, set_config, permissions, privileges
    assert len(sent) == 6, "\n".join(sent)


def test_a_filtered_list_longer_than_the_bound_says_more_than_and_reads_no_further(operator, queue, monkeypatch):
    # given a bound of 10 rows (10,000 in production) and 60 pending approvals of one agent
    monkeypatch.setattr(LargeTablePaginator, "count_exactly_up_to", 10)

    page = operator.get(QUEUE_URL, {"agent": "support-agent"})

    assert page.context["cl"].paginator.capped
    assert page.context["cl"].result_count == 11
    html = " ".join(page.content.decode().split())
    assert "more than 10 agent approvals" in html, html[html.find("paginator"):][:400]
    with acting_as(Role.SERVICE):
        assert AgentApproval.objects.filter(agent="support-agent").count() == 60


def test_the_tool_filter_counts_twenty_pages_at_most(operator, monkeypatch):
    # given more pending approvals of one tool than the tool filter counts (1,000 in production)
    monkeypatch.setattr("approvals.admin.TOOL_FILTER_COUNT_UP_TO", 3)
    for i in range(5):
        queued(f"call_{i}")

    page = operator.get(QUEUE_URL, {"tool": "issue_refund"})

    assert page.context["cl"].paginator.capped
    assert "more than 3 agent approvals" in " ".join(page.content.decode().split())


def test_a_filtered_list_within_the_bound_is_counted_exactly(operator, queue):
    page = operator.get(QUEUE_URL, {"agent": "support-agent"})

    assert not page.context["cl"].paginator.capped
    assert page.context["cl"].result_count == 60

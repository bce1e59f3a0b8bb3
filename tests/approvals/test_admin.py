"""The operator workbench, through Django's test client (the browser test drives the same pages in chromium)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from approvals.models import AgentApproval, ApprovalDecision, ApprovalLease
from approvals.services import approval_create, approval_decide, approvals_expire
from hotdash.db_context import Role, acting_as
from tests.approvals.states import refund_state, run_state, tool_call

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("admin:approvals_agentapproval_changelist")


def login(client, django_user_model, username: str, group: str | None):
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True, is_superuser=group is None)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


@pytest.fixture
def operator(client, django_user_model):
    return login(client, django_user_model, "olga", "Operators")


def queued(call_id: str, minutes_old: int = 0, **kwargs) -> AgentApproval:
    with acting_as(Role.SERVICE):
        approval, _ = approval_create(conversation_id=f"conv-{call_id}", serialized=refund_state(call_id), **kwargs)
        if minutes_old:
            AgentApproval.objects.filter(pk=approval.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_old))
    return approval


def stored(approval: AgentApproval) -> tuple:
    with acting_as(Role.SERVICE):
        approval.refresh_from_db()
        audit = list(ApprovalDecision.objects.filter(approval=approval).values_list("outcome", "decided_by", "via"))
    return approval.status, approval.reason, audit


def test_the_queue_shows_pending_oldest_first_with_the_sla_and_the_action_in_one_line(operator):
    fresh, stale = queued("call_fresh"), queued("call_stale", minutes_old=9)
    done = queued("call_done")
    with acting_as(Role.SERVICE):
        AgentApproval.objects.filter(pk=done.pk).update(status="approved", decided_at=timezone.now())

    page = operator.get(QUEUE_URL)

    assert page.status_code == 200
    rows = list(page.context["cl"].result_list)
    assert rows == [stale, fresh]
    html = page.content.decode()
    # jsonb keeps an object's keys in its own order (shorter first), and so does the summary.
    assert "issue_refund(amount=42.5, order_id=&quot;1001&quot;)" in html
    assert html.count('class="sla-breached"') == 1
    assert (page.context["queue_stats"].pending, page.context["queue_stats"].breached) == (2, 1)


def test_the_live_counts_come_from_a_small_json_endpoint(operator):
    queued("call_1", minutes_old=6)
    queued("call_2")

    stats = operator.get(reverse("admin:approvals_agentapproval_queue_stats")).json()

    assert (stats["pending"], stats["breached"]) == (2, 1)
    assert 355 <= stats["oldest_age_seconds"] <= 400


def test_filters_by_agent_tool_and_sla(operator):
    with acting_as(Role.SERVICE):
        approval_create(
            conversation_id="c-ops",
            serialized=run_state(tool_call("bulk_update_orders", {"ids": [1, 2]}, "call_bulk", agent="ops-agent")),
        )
    refund = queued("call_refund", minutes_old=7)

    by_agent = operator.get(QUEUE_URL, {"agent": "ops-agent"}).context["cl"].result_list
    by_tool = operator.get(QUEUE_URL, {"tool": "issue_refund"}).context["cl"].result_list
    breached = operator.get(QUEUE_URL, {"sla": "breached"}).context["cl"].result_list

    assert [a.call_id for a in by_agent] == ["call_bulk"]
    assert list(by_tool) == [refund]
    assert list(breached) == [refund]


def test_the_item_page_says_what_the_agent_wants_and_claims_a_lease(operator):
    approval = queued("call_1")

    page = operator.get(reverse("admin:approvals_agentapproval_change", args=[approval.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "<code>issue_refund</code>" in html
    assert "&quot;amount&quot;: 42.5" in html
    assert "Please refund order 1001" in html
    assert "Approve &amp; next" in html
    with acting_as(Role.OPERATOR):
        assert ApprovalLease.objects.get(approval=approval).holder == "olga"


def test_deciding_on_the_item_page_goes_to_the_next_item_nobody_has_open(operator):
    first, second, third = queued("call_1", minutes_old=3), queued("call_2", minutes_old=2), queued("call_3", minutes_old=1)
    with acting_as(Role.OPERATOR):
        ApprovalLease.objects.create(approval=second, holder="otto", expires_at=timezone.now() + timedelta(minutes=2))

    response = operator.post(
        reverse("admin:approvals_agentapproval_decide", args=[first.pk]), {"outcome": "approved", "then": "next"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:approvals_agentapproval_change", args=[third.pk])
    assert stored(first) == ("approved", None, [("approved", "olga", "admin")])


def test_a_rejection_without_reason_is_refused_on_the_page_and_nothing_is_decided(operator):
    approval = queued("call_1")

    response = operator.post(
        reverse("admin:approvals_agentapproval_decide", args=[approval.pk]), {"outcome": "rejected", "reason": ""}, follow=True
    )

    assert "Not decided: a rejection needs a reason" in response.content.decode()
    assert stored(approval) == ("pending", None, [])


def test_a_second_decision_is_refused_and_says_who_decided(operator):
    approval = queued("call_1")
    url = reverse("admin:approvals_agentapproval_decide", args=[approval.pk])
    operator.post(url, {"outcome": "approved"})

    response = operator.post(url, {"outcome": "rejected", "reason": "no"}, follow=True)

    assert f"Not decided: approval #{approval.pk} was already approved by olga" in response.content.decode()
    assert stored(approval) == ("approved", None, [("approved", "olga", "admin")])


def test_bulk_decisions_confirm_what_will_be_decided_then_decide_it(operator):
    one, two = queued("call_1"), queued("call_2")
    selected = {"action": "reject_selected", "_selected_action": [one.pk, two.pk]}

    confirm = operator.post(QUEUE_URL, selected)
    without_reason = operator.post(QUEUE_URL, {**selected, "confirmed": "yes", "reason": ""}, follow=True)
    done = operator.post(QUEUE_URL, {**selected, "confirmed": "yes", "reason": "duplicate orders"}, follow=True)

    assert confirm.status_code == 200
    assert "Reject 2 approval(s)?" in confirm.content.decode()
    assert "Nothing was decided: a rejection needs a reason" in without_reason.content.decode()
    assert "Rejected 2 approval(s)." in done.content.decode()
    assert stored(one) == ("rejected", "duplicate orders", [("rejected", "olga", "bulk")])


def test_nobody_adds_or_deletes_approvals_in_the_admin(operator):
    approval = queued("call_1")

    assert operator.get(reverse("admin:approvals_agentapproval_add")).status_code == 403
    assert operator.get(reverse("admin:approvals_agentapproval_delete", args=[approval.pk])).status_code == 403


def test_an_annotator_cannot_open_the_queue_or_an_approval(client, django_user_model):
    approval = queued("call_1")
    annotator = login(client, django_user_model, "anna", "Annotators")

    assert annotator.get(QUEUE_URL).status_code == 403
    assert annotator.get(reverse("admin:approvals_agentapproval_change", args=[approval.pk])).status_code == 403
    assert annotator.post(
        reverse("admin:approvals_agentapproval_decide", args=[approval.pk]), {"outcome": "approved"}
    ).status_code == 403
    assert stored(approval) == ("pending", None, [])


def test_a_superuser_works_the_queue_as_the_supervisor_role(client, django_user_model):
    approval = queued("call_1")
    admin_user = login(client, django_user_model, "root", None)

    admin_user.post(reverse("admin:approvals_agentapproval_decide", args=[approval.pk]), {"outcome": "approved"})

    assert stored(approval) == ("approved", None, [("approved", "root", "admin")])


def test_a_bearer_token_is_not_read_on_admin_pages(operator):
    from hotdash.tokens import machine_token_issue

    queued("call_a"), queued("call_b")
    tenant = machine_token_issue(role=Role.TENANT, client="agent", conversation="conv-call_a")

    queue = operator.get(QUEUE_URL, headers={"Authorization": f"Bearer {tenant}"})

    # The session's operator, not the token's tenant: both conversations are in the queue.
    assert queue.status_code == 200
    assert sorted(a.conversation_id for a in queue.context["cl"].result_list) == ["conv-call_a", "conv-call_b"]


def test_a_bulk_decision_takes_at_most_500_approvals_and_says_so(operator):
    with acting_as(Role.SERVICE):
        AgentApproval.objects.bulk_create(
            AgentApproval(conversation_id=f"c-{n}", serialized={}, call_id=f"call_{n}") for n in range(501)
        )

    response = operator.post(QUEUE_URL, {"action": "approve_selected", "select_across": "1", "index": "0",
                                         "_selected_action": ["1"]}, follow=True)

    assert "one bulk decision takes at most 500 approvals" in response.content.decode()
    with acting_as(Role.SERVICE):
        assert AgentApproval.objects.filter(status="pending").count() == 501
        assert not ApprovalDecision.objects.exists()


def test_tool_arguments_are_shown_as_json_whole_on_the_confirm_page_and_hidden_controls_are_flagged(operator):
    arguments = {"customer_id": "cus_1", "amount": 4999, "currency": "USD",
                 "note": "amount=5.00 \u202eDSU 00.5\u202c", "memo": "x" * 60}
    with acting_as(Role.SERVICE):
        approval, _ = approval_create(
            conversation_id="c-gift", serialized=run_state(tool_call("issue_gift_card", arguments, "call_gift"))
        )

    queue = operator.get(QUEUE_URL).content.decode()
    confirm = operator.post(QUEUE_URL, {"action": "approve_selected", "_selected_action": [approval.pk]})
    item = operator.get(reverse("admin:approvals_agentapproval_change", args=[approval.pk])).content.decode()

    # The queue: the first three (jsonb keeps shorter keys first), values as JSON, and the warning sign.
    assert "issue_gift_card(memo=&quot;xxxxxxxx" in queue
    assert ", note=&quot;amount=5.00 \\u202eDSU" in queue
    assert 'class="hidden-controls"' in queue
    # The confirmation: every argument, whole, the direction override written out, and the warning.
    page = confirm.content.decode()
    assert "memo=&quot;" + "x" * 60 + "&quot;" in page
    assert "note=&quot;amount=5.00 \\u202eDSU 00.5\\u202c&quot;" in page
    assert "\u202e" not in page and "Holds characters that reorder or hide text" in page
    # The item page: the same escapes in the pretty-printed arguments and in the raw state.
    assert "\u202e" not in item and "\\u202eDSU" in item and 'class="hidden-controls"' in item


def test_the_history_says_when_and_by_whom_an_approval_was_decided_not_how_long_it_waits(operator):
    decided, expired = queued("call_1"), queued("call_2")
    with acting_as(Role.SERVICE):
        approval_decide(approval_id=decided.pk, outcome="rejected", decided_by="otto", reason="duplicate order",
                        at=decided.created_at + timedelta(minutes=4))
        approvals_expire(approval_ids=[expired.pk], at=expired.expires_at)

    history = operator.get(QUEUE_URL, {"status": "all"}).content.decode()
    queue = operator.get(QUEUE_URL).content.decode()
    item = operator.get(reverse("admin:approvals_agentapproval_change", args=[decided.pk])).content.decode()

    assert '<td class="field-decided_by">otto</td>' in history
    assert '<td class="field-decision_reason">duplicate order</td>' in history
    assert '<td class="field-decided_by">nobody (expired)</td>' in history
    assert "rejected 0s ago" in history or "rejected 1s ago" in history
    assert "field-decided_by" not in queue
    assert "waiting" not in item
    assert "rejected by <strong>otto</strong>" in item and "4m 00s after it was queued" in item
    assert "Reason: duplicate order" in item

"""An operator works the queue in chromium: live counts, a keyboard approval, a rejection with a reason."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from approvals.models import AgentApproval, ApprovalDecision
from approvals.services import approval_create
from hotdash.db_context import Role, acting_as
from tests.approvals.states import refund_state, run_state, tool_call
from tests.browser import admin_login


def queue_three() -> list[AgentApproval]:
    approvals = []
    with acting_as(Role.SERVICE):
        for minutes_old, call_id in ((9, "call_old"), (3, "call_mid"), (1, "call_new")):
            approval, _ = approval_create(conversation_id=f"conv-{call_id}", serialized=refund_state(call_id))
            AgentApproval.objects.filter(pk=approval.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_old))
            approvals.append(approval)
    return approvals


def decisions() -> list[tuple]:
    with acting_as(Role.SERVICE):
        return list(
            ApprovalDecision.objects.order_by("approval_id").values_list("approval__call_id", "outcome", "decided_by", "reason", "via")
        )


def test_an_operator_approves_with_the_keyboard_rejects_with_a_reason_and_the_live_count_drops(
    page, live_server, console_users
):
    oldest, middle, newest = queue_three()
    account = console_users["operator"]
    admin_login(page, live_server, account.username, account.password)

    # The queue: pending, oldest first, the SLA breach marked, the counts on top.
    page.goto("/admin/approvals/agentapproval/")
    expect(page.locator("[data-stat=pending]")).to_have_text("3")
    expect(page.locator("[data-stat=breached]")).to_have_text("1")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator(".field-age .sla-breached")).to_be_visible()
    expect(rows.nth(0).locator(".field-action")).to_have_text('issue_refund(amount=42.5, order_id="1001")')

    # A second tab keeps the queue open while the operator works in the first one.
    watcher = page.context.new_page()
    watcher.goto("/admin/approvals/agentapproval/")
    expect(watcher.locator("[data-stat=pending]")).to_have_text("3")

    # "n" opens the oldest item; "a" approves it and moves on to the next one.
    page.keyboard.press("n")
    expect(page.locator("h1")).to_have_text(f"Approval #{oldest.pk}")
    expect(page.locator(".approval-calls")).to_contain_text('"order_id": "1001"')
    expect(page.locator(".user-message")).to_have_text("Please refund order 1001")
    page.keyboard.press("a")
    expect(page.locator(".messagelist")).to_contain_text(f"Approval #{oldest.pk} approved.")
    expect(page.locator("h1")).to_have_text(f"Approval #{middle.pk}")

    # Rejecting without a reason is stopped in the page; with one it goes through.
    page.click("#reject-button")
    expect(page.locator("h1")).to_have_text(f"Approval #{middle.pk}")
    page.keyboard.press("Escape")
    page.keyboard.press("r")
    page.keyboard.type("Refund already issued on Monday")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".messagelist")).to_contain_text(f"Approval #{middle.pk} rejected.")
    expect(page.locator("h1")).to_have_text(f"Approval #{newest.pk}")

    # The other tab's count dropped without a reload.
    expect(watcher.locator("[data-stat=pending]")).to_have_text("1", timeout=5000)
    expect(watcher.locator("[data-stat=breached]")).to_have_text("0", timeout=5000)
    assert decisions() == [
        ("call_old", "approved", "operator", None, "admin"),
        ("call_mid", "rejected", "operator", "Refund already issued on Monday", "admin"),
    ]


def test_bulk_approval_lists_what_it_will_decide_before_it_does(page, live_server, console_users):
    oldest, middle, newest = queue_three()
    account = console_users["operator"]
    admin_login(page, live_server, account.username, account.password)

    page.goto("/admin/approvals/agentapproval/")
    page.check(f"input[name=_selected_action][value='{oldest.pk}']")
    page.check(f"input[name=_selected_action][value='{newest.pk}']")
    page.select_option("select[name=action]", "approve_selected")
    page.click("button[name=index]")

    expect(page.locator("h1")).to_have_text("Approve 2 approval(s)?")
    expect(page.locator(".bulk-list tbody tr")).to_have_count(2)
    page.click("#confirm-bulk")

    expect(page.locator(".messagelist")).to_contain_text("Approved 2 approval(s).")
    expect(page.locator("[data-stat=pending]")).to_have_text("1")
    assert [row[:3] for row in decisions()] == [("call_old", "approved", "operator"), ("call_new", "approved", "operator")]


def test_the_decision_stays_in_reach_below_a_long_customer_message(page, live_server, console_users):
    long_message = "\n\n".join(f"Paragraph {n}: the parcel arrived late, the box was crushed and wet." for n in range(120))
    with acting_as(Role.SERVICE):
        approval, _ = approval_create(
            conversation_id="conv-long",
            serialized=run_state(tool_call("issue_refund", {"order_id": "1001", "amount": 42.5}, "call_long"),
                                 user_message=long_message),
        )
    account = console_users["operator"]
    admin_login(page, live_server, account.username, account.password)

    page.goto(f"/admin/approvals/agentapproval/{approval.pk}/change/")

    viewport = page.viewport_size
    expect(page.locator(".user-message")).to_contain_text("Paragraph 119")
    assert page.evaluate("document.documentElement.scrollHeight") > 2 * viewport["height"]  # a long page
    for button in ("#approve-button", "#reject-button"):
        box = page.locator(button).bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"], f"{button} is out of reach: {box}"
    page.locator("#approve-button").click(no_wait_after=True)
    expect(page.locator(".messagelist")).to_contain_text(f"Approval #{approval.pk} approved.")


def test_the_demo_history_says_who_decided_when_and_why(page, live_server, console_users):
    from demo.services import demo_data_seed

    with acting_as(Role.SERVICE):
        demo_data_seed()
        rejected = AgentApproval.objects.get(conversation_id="cw-47588")
    account = console_users["operator"]
    admin_login(page, live_server, account.username, account.password)

    page.goto("/admin/approvals/agentapproval/?status=rejected")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    row = rows.filter(has_text="cw-47588")
    expect(row.locator(".field-age")).to_have_text("rejected 6d 3h ago")
    expect(row.locator(".field-decided_by")).to_have_text("operator")
    expect(row.locator(".field-decision_reason")).to_contain_text("The requester is not the account holder")

    page.goto(f"/admin/approvals/agentapproval/{rejected.pk}/change/")
    expect(page.locator("#decided-summary")).to_contain_text("rejected by operator 6d 3h ago")
    expect(page.locator("#decided-summary")).to_contain_text("6m 00s after it was queued")
    expect(page.locator(".approval-meta")).not_to_contain_text("waiting")
    expect(page.locator(".approval-audit")).to_contain_text("exports go to the verified account email only")
    expect(page.locator("#decide-form")).to_have_count(0)

    page.goto("/admin/approvals/approvaldecision/")
    expect(page.locator("#result_list tbody tr")).to_have_count(7)

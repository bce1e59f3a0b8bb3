import pytest
from playwright.sync_api import expect

from approvals.services import approval_create
from hotdash.db_context import Role, acting_as
from tests.approvals.states import refund_state
from tests.browser import admin_login


@pytest.mark.parametrize("username", ["admin", "operator", "annotator", "qa", "monitoring"])
def test_every_demo_user_logs_in_through_the_admin_form(page, live_server, console_users, username):
    # given a demo account
    account = console_users[username]

    # when it logs in through the real login form
    admin_login(page, live_server, account.username, account.password)

    # then it lands on the console's index, greeted by name
    assert page.title() == "Queues, annotations and agent data | HotDash Console"
    assert page.locator("#user-tools strong").inner_text() == username.upper()


def test_a_wrong_password_is_refused_and_no_session_is_made(page, live_server, console_users):
    with pytest.raises(AssertionError, match="admin login as 'qa' failed"):
        admin_login(page, live_server, "qa", console_users["qa"].password + "x")

    assert page.locator(".errornote").inner_text().startswith("Please enter the correct username and password")
    assert [c["name"] for c in page.context.cookies()] == ["csrftoken"]


def test_the_console_and_the_api_docs_work_under_the_content_security_policy(page, live_server, console_users):
    with acting_as(Role.SERVICE):
        approval, _ = approval_create(conversation_id="conv-csp", serialized=refund_state("call_csp"))
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    account = console_users["admin"]
    admin_login(page, live_server, account.username, account.password)

    # The workbench's script runs: Esc on an item goes back to the queue.
    response = page.goto(f"/admin/approvals/agentapproval/{approval.pk}/change/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("h1")).to_have_text(f"Approval #{approval.pk}")
    page.keyboard.press("Escape")
    expect(page).to_have_url(f"{live_server.url}/admin/approvals/agentapproval/")
    page.goto("/admin/auth/user/")
    expect(page.locator("select[name=action] option[value=revoke_api_tokens]")).to_have_count(1)
    # Swagger UI starts from a script file of its own (no inline script) and lists the operations.
    page.goto("/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()

    assert violations == []

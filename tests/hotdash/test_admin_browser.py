import pytest

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

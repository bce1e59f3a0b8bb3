"""The operator dashboard on the admin's home page: tiles by role, server-side charts, links, self-refresh."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from playwright.sync_api import expect

from hotdash.db_context import Role, acting_as
from hotdash.groups import ANNOTATORS, MONITORING, OPERATORS
from metrics.services import daily_metrics_refresh, data_quality_check, realtime_metrics_refresh
from tests.browser import admin_login

# Kept after the run (the checkout's ignored data directory) for whoever wants to look at the dashboard.
SCREENSHOT = Path(__file__).resolve().parents[2] / ".hotdash" / "screenshots" / "dashboard.png"

TILES = {
    "operator": [
        "Approval queue depth, last 24 hours", "SLA breaches now", "Agent performance now",
        "Quality score per agent, 7 days", "Latency percentiles (latest day)", "Data-quality violations", "Freshness",
    ],
    "monitoring": [
        "Agent performance now", "Quality score per agent, 7 days", "Latency percentiles (latest day)",
        "Data-quality violations", "Freshness",
    ],
}


def seed_and_refresh() -> None:
    with acting_as(Role.SERVICE), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO agent_queries (query, result, conversation_id, agent, approved, human_edited, latency_ms,"
            " created_at) SELECT 'q', '{}', 'c', agent, n % 5 <> 0, n % 7 = 0, 40 + n * 3,"
            " now() - make_interval(hours => n * 5)"
            " FROM generate_series(1, 30) AS n, (VALUES ('support'), ('data')) AS a(agent)"
        )
        cursor.execute(
            "INSERT INTO agent_approvals (conversation_id, serialized, last_interruptions, created_at, expires_at)"
            " SELECT 'c', '{}', '[{\"agent\": \"support\"}]', now() - make_interval(mins => n * 20),"
            " now() + interval '1 hour' FROM generate_series(1, 8) AS n"
        )
        daily_metrics_refresh()
        realtime_metrics_refresh()
        data_quality_check()


def staff(name: str, group: str) -> User:
    user = User.objects.create_user(name, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "group"), [("operator", OPERATORS), ("monitoring", MONITORING)])
def test_the_home_page_shows_the_tiles_a_role_may_read(client, name, group):
    seed_and_refresh()
    client.force_login(staff(f"{name}-user", group))

    page = client.get("/admin/").content.decode()
    fragment = client.get("/admin/metrics/metricsrefresh/dashboard/").content.decode()

    for title in TILES[name]:
        assert title in page and title in fragment, title
    assert ("SLA breaches now" in page) == (name == "operator")
    assert page.count('<svg class="metrics-chart"') == (3 if name == "operator" else 2)
    assert "/static/metrics/dashboard.js" in page


@pytest.mark.django_db
def test_staff_whose_role_reads_no_metrics_get_the_plain_home_page(client):
    client.force_login(staff("anna", ANNOTATORS))
    page = client.get("/admin/").content.decode()
    assert "metrics-tile" not in page


def test_the_dashboard_in_a_browser_charts_links_and_refreshes_itself(page, live_server, console_users):
    seed_and_refresh()
    account = console_users["operator"]
    admin_login(page, live_server, account.username, account.password)

    tiles = page.locator(".metrics-tile")
    expect(tiles.locator("h2")).to_have_text(TILES["operator"])
    expect(page.locator("svg.metrics-chart rect").first).to_be_visible()
    assert page.locator("svg.metrics-chart polyline").count() == 2  # two agents' quality scores
    expect(page.locator(".metrics-health").first).to_have_text("healthy")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT, full_page=True)

    # the tiles are fetched again in place, without a reload
    page.evaluate("window.marker = 1")
    page.evaluate("document.getElementById('metrics-dashboard').refreshNow()")
    page.wait_for_function("document.getElementById('metrics-dashboard').dataset.refreshedAt !== undefined")
    assert page.evaluate("window.marker") == 1
    expect(tiles).to_have_count(len(TILES["operator"]))

    # and each tile links to the list behind it
    page.get_by_role("link", name="SLA breaches now").click()
    expect(page).to_have_url(f"{live_server.url}/admin/metrics/approvalqueuestatus/")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    assert SCREENSHOT.stat().st_size > 10_000

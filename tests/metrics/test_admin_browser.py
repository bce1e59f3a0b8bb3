"""Agent data in the console in a real browser, against the live server (tests/browser.py)."""

from playwright.sync_api import expect

from hotdash.db_context import Role, acting_as
from metrics.tasks import dbhealth_report_task
from tests.browser import admin_login
from tests.feedback.factories import AgentFeedbackFactory
from tests.metrics.factories import AgentQCFactory, AgentQueryFactory, FactFactory, ObservabilityLogFactory


def test_monitoring_reads_observability_logs_and_has_no_add_button(page, live_server, console_users):
    # given log lines written by the platform
    with acting_as(Role.SERVICE):
        ObservabilityLogFactory(level="INFO", message="backup finished")
        error = ObservabilityLogFactory(level="ERROR", message="refresh timed out", metadata={"view": "mv_daily"})

    # when monitoring opens the logs from the index
    account = console_users["monitoring"]
    admin_login(page, live_server, account.username, account.password)
    page.get_by_role("link", name="Observability logs").first.click()

    # then both lines are listed, newest first, with nothing to add or delete
    expect(page.locator("#result_list tbody .field-message_excerpt")).to_have_text([
        "refresh timed out", "backup finished",
    ])
    assert page.locator("a.addlink").count() == 0
    assert page.locator("select[name=action]").count() == 0

    # and a line opens read-only, its metadata as indented JSON
    page.get_by_role("link", name="refresh timed out").click()
    expect(page).to_have_url(f"{live_server.url}/admin/metrics/observabilitylog/{error.pk}/change/")
    expect(page.locator("h1")).to_have_text("View observability log")
    expect(page.locator(".field-metadata_pretty pre")).to_have_text('{\n  "view": "mv_daily"\n}')
    assert page.locator("input[name=_save]").count() == 0


def test_a_superuser_sees_no_facts_but_reads_what_operators_and_qa_read(page, live_server, console_users):
    with acting_as(Role.SERVICE):
        FactFactory(project="occ", key="secret-kpi")
        AgentFeedbackFactory(model_draft="Happy to help with the exchange.")
        AgentQueryFactory(query="lookup order 7")
        AgentQCFactory(run__run_id="run-7")

    account = console_users["admin"]
    admin_login(page, live_server, account.username, account.password)

    # the supervisor role holds no privilege on facts or logs: not in the index, and the page is refused
    index_links = page.locator("#content-main a").all_inner_texts()
    assert "Facts" not in index_links
    assert "Observability logs" not in index_links
    response = page.goto("/admin/metrics/fact/")
    assert response.status == 403
    assert "secret-kpi" not in page.content()

    # what operators and QA read is there
    for url, text in [
        ("/admin/feedback/agentfeedback/", "Happy to help with the exchange."),
        ("/admin/metrics/agentquery/", "lookup order 7"),
        ("/admin/metrics/agentrun/", "run-7"),
        ("/admin/metrics/agentqc/", "support run run-7"),
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        assert text in page.locator("#result_list").inner_text(), url


def test_an_operator_judges_a_query(page, live_server, console_users):
    with acting_as(Role.SERVICE):
        query = AgentQueryFactory(query="refund order 12", result={"refund": 20})

    account = console_users["operator"]
    admin_login(page, live_server, account.username, account.password)
    page.goto("/admin/metrics/agentquery/")
    page.get_by_role("link", name="refund order 12").click()
    expect(page.locator(".field-result_pretty pre")).to_have_text('{\n  "refund": 20\n}')
    page.select_option("#id_approved", label="Yes")
    page.check("#id_human_edited")
    page.click("input[name=_save]")

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    with acting_as(Role.QA):
        stored = type(query).objects.get(pk=query.pk)
    assert (stored.approved, stored.human_edited, stored.query, stored.result) == (
        True, True, "refund order 12", {"refund": 20},
    )


def test_monitoring_opens_the_database_health_report_and_an_operator_is_refused(page, live_server, console_users):
    # given a report stored by the daily job (run for real: the runtime role, the service role to store it)
    dbhealth_report_task()

    # when monitoring opens it from the index
    account = console_users["monitoring"]
    admin_login(page, live_server, account.username, account.password)
    page.get_by_role("link", name="Database health reports").first.click()

    # then the latest report is there with its trend row and its sections
    expect(page.locator("h1")).to_have_text("Database health: the latest report")
    expect(page.locator("#dbhealth-trend tbody tr")).to_have_count(1)
    expect(page.locator(".dbhealth-section h2").first).to_contain_text("1. Migrations")
    expect(page.get_by_text("2. Row-level security")).to_be_visible()

    # and an operator, staff too, is refused the page
    page.context.clear_cookies()
    operator = console_users["operator"]
    admin_login(page, live_server, operator.username, operator.password)
    assert page.goto("/admin/metrics/dbhealthreport/").status == 403

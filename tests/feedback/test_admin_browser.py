"""The annotator workbench in a real browser, against the live server (tests/browser.py)."""

from playwright.sync_api import expect

from feedback.models import AgentFeedback
from hotdash.db_context import Role, acting_as
from tests.browser import admin_login
from tests.feedback.factories import AgentFeedbackFactory


def read_as_qa(pk: int) -> AgentFeedback:
    with acting_as(Role.QA):
        return AgentFeedback.objects.get(pk=pk)


def open_draft(page, live_server, console_users, draft: AgentFeedback) -> None:
    account = console_users["annotator"]
    admin_login(page, live_server, account.username, account.password)
    page.get_by_role("link", name="Agent feedback").first.click()
    page.get_by_role("link", name=draft.model_draft).click()
    expect(page.locator("h1")).to_have_text("Change agent feedback")


def test_an_annotator_labels_a_draft_and_the_row_has_the_new_values(page, live_server, console_users):
    # given a draft the platform wrote
    with acting_as(Role.SERVICE):
        draft = AgentFeedbackFactory(model_draft="Your refund of $20 is on its way.")

    # when the annotator opens it from the list, labels and scores it, and saves
    open_draft(page, live_server, console_users, draft)
    page.select_option("#id_safe_to_send", label="Yes")
    page.fill("#id_labels", "refund, polite")
    page.get_by_label("Clarity").fill("4")
    page.get_by_label("Accuracy").fill("5")
    page.get_by_label("Tone").fill("3")
    page.fill("#id_notes", "Clear and kind.")
    page.click("input[name=_save]")

    # then the list says so, and the row (read as QA) holds the annotation and who made it
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    stored = read_as_qa(draft.pk)
    assert (stored.safe_to_send, stored.labels, stored.rubric, stored.notes, stored.annotator) == (
        True, ["refund", "polite"], {"clarity": 4, "accuracy": 5, "tone": 3}, "Clear and kind.", "annotator",
    )
    assert stored.model_draft == "Your refund of $20 is on its way."


def test_an_invalid_rubric_shows_the_error_and_nothing_is_saved(page, live_server, console_users):
    with acting_as(Role.SERVICE):
        draft = AgentFeedbackFactory(model_draft="We cannot refund that.")

    open_draft(page, live_server, console_users, draft)
    page.select_option("#id_safe_to_send", label="No")
    page.fill("#id_labels", "refusal")
    page.get_by_label("Clarity").fill("9")
    page.get_by_label("Accuracy").fill("5")
    page.click("input[name=_save]")

    # the form comes back with the service's messages next to the rubric
    expect(page.locator(".errornote")).to_have_text("Please correct the error below.")
    expect(page.locator(".field-rubric .errorlist li")).to_have_text([
        "rubric needs clarity, accuracy, tone: tone missing",
        "clarity must be a whole number from 1 to 5, not 9",
    ])
    expect(page.locator("h1")).to_have_text("Change agent feedback")
    # what the annotator typed is still there to correct
    expect(page.get_by_label("Clarity")).to_have_value("9")
    expect(page.locator("#id_labels")).to_have_value("refusal")
    stored = read_as_qa(draft.pk)
    assert (stored.safe_to_send, stored.labels, stored.rubric, stored.notes, stored.annotator) == (
        None, [], {}, None, None,
    )


def test_an_annotator_does_not_see_agent_queries_and_is_refused_their_page(page, live_server, console_users):
    account = console_users["annotator"]
    admin_login(page, live_server, account.username, account.password)

    index_links = page.locator("#content-main a").all_inner_texts()
    assert "Agent feedback" in index_links
    assert "Agent queries" not in index_links
    response = page.goto("/admin/metrics/agentquery/")
    assert response.status == 403

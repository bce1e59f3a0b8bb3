"""The annotator's workbench in a real browser, against the live server (tests/browser.py)."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import AgentFeedback, FeedbackAnnotation
from hotdash.db_context import Role, acting_as
from tests.browser import admin_login
from tests.feedback.factories import AgentFeedbackFactory, AnnotationLabelFactory


def test_an_annotator_labels_three_drafts_with_the_keyboard_only(page, live_server, console_users):
    # given three drafts, oldest first, and a vocabulary with keys
    now = timezone.now()
    with acting_as(Role.SERVICE):
        AnnotationLabelFactory(name="refund", key="r")
        AnnotationLabelFactory(name="polite", key="p")
        drafts = [
            AgentFeedbackFactory(model_draft=f"Draft number {i}. " + "a very long sentence " * 200,
                                 created_at=now - timedelta(minutes=3 - i))
            for i in range(3)
        ]
    account = console_users["annotator"]
    admin_login(page, live_server, account.username, account.password)
    page.goto(f"{live_server.url}/admin/feedback/agentfeedback/")

    # when the annotator presses n, then labels each draft with keys alone and saves with s
    page.keyboard.press("n")
    for i, keys in enumerate([["y", "r", "4", "5", "3"], ["n", "p", "r", "1", "2", "2"], ["y", "5", "5", "5"]]):
        expect(page.locator("#model-draft")).to_contain_text(f"Draft number {i}.")
        for key in keys:
            page.keyboard.press(key)
        with page.expect_navigation():
            page.keyboard.press("s")

    # then the three annotations are stored, each the annotator's, and the queue is empty
    expect(page.locator(".messagelist")).to_contain_text("Nothing left to annotate")
    with acting_as(Role.QA):
        stored = {
            a.feedback_id: (a.annotator, a.safe_to_send, sorted(a.labels), a.rubric)
            for a in FeedbackAnnotation.objects.all()
        }
        final = AgentFeedback.objects.get(pk=drafts[1].pk)
    assert stored == {
        drafts[0].pk: ("annotator", True, ["refund"], {"clarity": 4, "accuracy": 5, "tone": 3}),
        drafts[1].pk: ("annotator", False, ["polite", "refund"], {"clarity": 1, "accuracy": 2, "tone": 2}),
        drafts[2].pk: ("annotator", True, [], {"clarity": 5, "accuracy": 5, "tone": 5}),
    }
    assert (final.safe_to_send, final.annotation_state) == (False, "done")


def test_question_mark_shows_the_keys_and_long_text_does_not_scroll_sideways(page, live_server, console_users):
    with acting_as(Role.SERVICE):
        AnnotationLabelFactory(name="refund", key="r")
        AgentFeedbackFactory(model_draft="x" * 5000, input_text="Where is " + "my-order-" * 300)
    account = console_users["annotator"]
    admin_login(page, live_server, account.username, account.password)
    page.goto(f"{live_server.url}/admin/feedback/agentfeedback/annotate-next/")

    expect(page.locator("#keys-help")).to_be_hidden()
    page.keyboard.press("?")

    expect(page.locator("#keys-help")).to_be_visible()
    expect(page.locator("#keys-help")).to_contain_text("label “refund” on / off")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

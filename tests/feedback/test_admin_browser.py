"""The annotator's workbench in a real browser, against the live server (tests/browser.py)."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import AgentFeedback, FeedbackAnnotation
from feedback.services import annotation_lease_claim, annotation_save
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


def test_qa_sends_a_draft_back_and_it_comes_first_to_the_annotator_with_the_comment(
    page, browser, live_server, console_users
):
    # given two drafts the annotator labelled, and one left open that is older than both
    now = timezone.now()
    with acting_as(Role.SERVICE):
        AnnotationLabelFactory(name="refund", key="r")
        AgentFeedbackFactory(model_draft="The oldest open draft.", created_at=now - timedelta(hours=1))
        first, second = (AgentFeedbackFactory(model_draft=f"Labelled draft {i}.") for i in range(2))
    for draft in (first, second):
        with acting_as(Role.ANNOTATOR, user="annotator"):
            annotation_lease_claim(feedback_id=draft.pk, holder="annotator")
            annotation_save(feedback_id=draft.pk, annotator="annotator", safe_to_send=True, labels=[],
                            rubric={"clarity": 5, "accuracy": 5, "tone": 5})

    # when QA opens the second one and sends it back with a comment
    qa = console_users["qa"]
    admin_login(page, live_server, qa.username, qa.password)
    page.goto(f"{live_server.url}/admin/feedback/agentfeedback/{second.pk}/change/")
    page.fill("textarea[name=comment]", "Tone 5 for a refusal? Look again.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send back to annotator").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Draft #{second.pk} sent back to annotator")

    # then the annotator's "annotate next" opens that draft first, with QA's comment
    annotator_context = browser.new_context(base_url=live_server.url)
    try:
        annotator_page = annotator_context.new_page()
        account = console_users["annotator"]
        admin_login(annotator_page, live_server, account.username, account.password)
        annotator_page.goto(f"{live_server.url}/admin/feedback/agentfeedback/")
        annotator_page.keyboard.press("n")
        expect(annotator_page.locator("#model-draft")).to_have_text("Labelled draft 1.")
        expect(annotator_page.locator("#rework-comment")).to_contain_text("Tone 5 for a refusal? Look again.")
        expect(annotator_page.locator("#rework-comment")).to_contain_text("Sent back by qa")
    finally:
        annotator_context.close()

"""Agreement figures against values computed by hand (the arithmetic is in each test's comment)."""

import pytest
from django.contrib.auth.models import User

from feedback.agreement import Vote, agreement_compute, cohen_kappa
from feedback.models import FeedbackAnnotation
from hotdash.db_context import Role, acting_as
from hotdash.groups import QA
from tests.feedback.factories import AgentFeedbackFactory
from tests.feedback.test_api import console_api

# Ten drafts, two annotators. ann: T T T T T T F F F F; bob: T T T T T F F F T F (they differ on drafts 5 and 8).
ANN = [True] * 6 + [False] * 4
BOB = [True] * 5 + [False, False, False, True, False]
# Cohen's kappa: po = 8/10; each says yes 6 times in 10, so pe = .6*.6 + .4*.4 = .52; kappa = (.8-.52)/.48 = .5833.
KAPPA = 0.5833
# Krippendorff's alpha, nominal: n = 20 values, 12 yes and 8 no. Disagreeing pairs: 2 drafts x 2 ordered pairs = 4,
# so Do = 4/20 = .2; De = 2*12*8 / (20*19) = .5053; alpha = 1 - .2/.5053 = .6042.
ALPHA = 0.6042


def votes(annotator: str, verdicts: list[bool], clarity: list[int] | None = None) -> list[Vote]:
    clarity = clarity or [5] * len(verdicts)
    return [
        Vote(feedback_id=i, annotator=annotator, safe_to_send=verdict, labels=("refund",) if verdict else (),
             rubric={"clarity": clarity[i], "accuracy": 4, "tone": 4})
        for i, verdict in enumerate(verdicts)
    ]


def test_percent_kappa_and_nominal_alpha_equal_the_hand_computed_values():
    report = agreement_compute(votes("ann", ANN) + votes("bob", BOB))

    assert report["pairs"] == [
        {"annotators": ["ann", "bob"], "items": 10, "safe_to_send": {"percent": 80.0, "cohen_kappa": KAPPA}},
    ]
    assert report["overall"]["safe_to_send"] == {"krippendorff_alpha": ALPHA, "items": 10}
    # labels follow the verdicts here (refund when safe): the same ten yes / no units, the same alpha
    assert report["overall"]["labels"] == {"krippendorff_alpha": ALPHA, "items": 10}
    # accuracy and tone are 4 throughout: not measurable
    assert report["overall"]["accuracy"] == {"krippendorff_alpha": None, "items": 10}


def test_ordinal_alpha_of_the_rubric():
    # Three drafts, clarity ann 1 2 3, bob 1 2 1. Values n1 = 3, n2 = 2, n3 = 1, n = 6.
    # Ordinal distance d(c,k) = (sum of n_g from c to k - (n_c + n_k)/2)^2: d(1,2) = (5-2.5)^2 = 6.25,
    # d(2,3) = (3-1.5)^2 = 2.25, d(1,3) = (6-2)^2 = 16.
    # Do = (1/6) * 2 * d(1,3) = 32/6; De = (2/30) * (3*2*6.25 + 3*1*16 + 2*1*2.25) = (2/30) * 90 = 6.
    # alpha = 1 - (32/6)/6 = 1/9 = .1111.
    report = agreement_compute(votes("ann", [True] * 3, [1, 2, 3]) + votes("bob", [True] * 3, [1, 2, 1]))

    assert report["overall"]["clarity"] == {"krippendorff_alpha": 0.1111, "items": 3}


def test_drafts_one_annotator_labelled_do_not_count_and_undefined_kappa_is_null():
    report = agreement_compute(votes("ann", [True, True]) + votes("bob", [True]))

    assert report["overall"]["safe_to_send"]["items"] == 1
    assert report["pairs"][0]["safe_to_send"] == {"percent": 100.0, "cohen_kappa": None}
    assert cohen_kappa([], []) is None


@pytest.mark.django_db(transaction=True)
def test_the_endpoint_and_the_admin_page_report_the_stored_annotations(client, live_server):
    with acting_as(Role.SERVICE):
        drafts = [AgentFeedbackFactory(annotations_needed=2) for _ in range(10)]
        for annotator, verdicts in (("ann", ANN), ("bob", BOB)):
            FeedbackAnnotation.objects.bulk_create(
                FeedbackAnnotation(feedback=draft, annotator=annotator, safe_to_send=verdict,
                                   labels=["refund"] if verdict else [],
                                   rubric={"clarity": 5, "accuracy": 4, "tone": 4}, seconds_spent=10)
                for draft, verdict in zip(drafts, verdicts, strict=True)
            )
    qa = console_api(live_server, "quinn", QA)

    body = qa.get("/feedback/agreement/").json()

    assert body["overall"]["safe_to_send"] == {"krippendorff_alpha": ALPHA, "items": 10}
    assert body["pairs"][0]["safe_to_send"] == {"percent": 80.0, "cohen_kappa": KAPPA}
    client.force_login(User.objects.get(username="quinn"))
    page = client.get("/admin/feedback/agentfeedback/agreement/")
    assert page.status_code == 200
    assert "<td>ann · bob</td><td>10</td><td>80.0</td>" in page.text
    assert str(KAPPA) in page.text and str(ALPHA) in page.text

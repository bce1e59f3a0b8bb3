"""One translation of service refusals: hotdash.errors to HTTP in the API, to messages in the admin."""

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from approvals.sdk_state import StateError
from approvals.services import ApprovalAlreadyDecided, ApprovalConflict, ApprovalNotFound, InvalidDecision
from hotdash import errors
from hotdash.api.errors import exception_handler


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (errors.NotFound("no approval #7 is visible to you"), 404, {"detail": "No approval #7 is visible to you."}),
        (errors.Conflict("approval #7 was already approved"), 409, {"detail": "Approval #7 was already approved."}),
        (errors.Invalid("reason", "must be at most 2000 characters"), 400, {"reason": ["must be at most 2000 characters"]}),
        (errors.Forbidden("a tenant writes facts of its own project only"), 403,
         {"detail": "A tenant writes facts of its own project only."}),
        (ValidationError({"rubric": ["tone must be a whole number from 1 to 5"]}), 400,
         {"rubric": ["tone must be a whole number from 1 to 5"]}),
        (ValidationError("not acceptable"), 400, {"non_field_errors": ["not acceptable"]}),
    ],
)
def test_the_api_answers_each_kind_of_refusal_with_its_status_and_reason(error, status, body):
    response = exception_handler(error, {"view": None})

    assert (response.status_code, response.data) == (status, body)


def test_the_services_own_errors_are_kinds_of_the_four():
    assert issubclass(ApprovalNotFound, errors.NotFound)
    assert issubclass(ApprovalAlreadyDecided, errors.Conflict)
    assert issubclass(ApprovalConflict, errors.Conflict)
    assert issubclass(InvalidDecision, errors.Invalid)
    assert issubclass(StateError, errors.Invalid)
    assert StateError("current_step is not an interruption").field == "serialized"


@pytest.mark.parametrize(
    ("error", "level", "text"),
    [
        (errors.Conflict("approval #7 was already approved by olga"), "warning",
         "Not decided: approval #7 was already approved by olga."),
        (errors.Invalid("reason", "a rejection needs a reason"), "error", "Not decided: a rejection needs a reason."),
        (ValidationError({"rubric": ["tone must be 1 to 5"]}), "error", "Not decided: tone must be 1 to 5."),
    ],
)
def test_the_admin_shows_a_refusal_as_one_message(error, level, text):
    from django.contrib.messages.storage.fallback import FallbackStorage

    from hotdash.admin import service_errors_reported

    request = RequestFactory().post("/admin/")
    request.session = {}
    request._messages = FallbackStorage(request)

    with service_errors_reported(request, failed="Not decided") as call:
        raise error

    assert call.failed
    assert [(m.level_tag, m.message) for m in request._messages] == [(level, text)]

"""API errors: every refusal is a JSON body with a reason, and nothing of a failed request is kept.

The one place where what a service refuses becomes an HTTP status: hotdash.errors' NotFound, Conflict, Invalid
and Forbidden are 404, 409, 400 and 403; a Django ValidationError is a 400 naming its fields, as DRF's own
validation errors are. Views call services and let these through.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, connections
from psycopg import errors as pg_errors
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from hotdash import errors

# Refusals by the database itself, when a request got past the API's own checks.
DATABASE_REFUSALS = {
    pg_errors.InsufficientPrivilege: (status.HTTP_403_FORBIDDEN, "The database refused this for your role or tenant."),
    pg_errors.RestrictViolation: (status.HTTP_409_CONFLICT, "These rows are append-only."),
}

SERVICE_STATUS = {
    errors.NotFound: status.HTTP_404_NOT_FOUND,
    errors.Conflict: status.HTTP_409_CONFLICT,
    errors.Invalid: status.HTTP_400_BAD_REQUEST,
    errors.Forbidden: status.HTTP_403_FORBIDDEN,
}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_validation_detail(exc))
    response = drf_exception_handler(exc, context)
    if response is None and isinstance(exc, errors.ServiceError):
        response = _service_error_response(exc, context.get("view"))
    if response is None and isinstance(exc, DatabaseError):
        refusal = DATABASE_REFUSALS.get(type(exc.__cause__))
        if refusal is not None:
            code, detail = refusal
            response = Response({"detail": detail, "database": str(exc.__cause__).splitlines()[0]}, status=code)
    if response is not None:
        _rollback_open_transactions()
    return response


def _service_error_response(exc: errors.ServiceError, view) -> Response:
    code = next(code for kind, code in SERVICE_STATUS.items() if isinstance(exc, kind))
    if isinstance(exc, errors.Invalid):
        # The shape of DRF's own validation errors, so a client reads every 400 the same way.
        return Response({exc.field: [exc.message]}, status=code)
    body = {"detail": exc.message[:1].upper() + exc.message[1:] + "."}
    # A view may add what the client needs to act on the refusal (e.g. the approval as it now is, with a 409).
    describe = getattr(view, "error_details", None)
    if describe is not None:
        body.update(describe(exc))
    return Response(body, status=code)


def _django_validation_detail(exc: DjangoValidationError) -> dict[str, list[str]]:
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: messages
        for field, messages in exc.message_dict.items()
    }


def _rollback_open_transactions() -> None:
    # The request's transaction (opened by DbContextMiddleware) must not keep what the failed call wrote.
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            connection.set_rollback(True)

"""API errors: every refusal is a JSON body with a reason, and nothing of a failed request is kept."""

from django.db import DatabaseError, connections
from psycopg import errors as pg_errors
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# Refusals by the database itself, when a request got past the API's own checks.
DATABASE_REFUSALS = {
    pg_errors.InsufficientPrivilege: (status.HTTP_403_FORBIDDEN, "The database refused this for your role or tenant."),
    pg_errors.RestrictViolation: (status.HTTP_409_CONFLICT, "These rows are append-only."),
}


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None and isinstance(exc, DatabaseError):
        refusal = DATABASE_REFUSALS.get(type(exc.__cause__))
        if refusal is not None:
            code, detail = refusal
            response = Response({"detail": detail, "database": str(exc.__cause__).splitlines()[0]}, status=code)
    if response is not None:
        _rollback_open_transactions()
    return response


def _rollback_open_transactions() -> None:
    # The request's transaction (opened by DbContextMiddleware) must not keep what the failed call wrote.
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            connection.set_rollback(True)

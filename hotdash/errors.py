"""What a service refuses, in four kinds; the API and the admin each turn them into an answer in one place.

Services raise these (or subclasses naming the case, e.g. approvals.services.ApprovalAlreadyDecided); the
API's exception handler (hotdash.api.errors) answers 404 / 409 / 400 / 403, and the admin shows them as
messages (hotdash.admin.service_errors_reported). Views and admin classes do not catch them one by one.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal whose message is meant for the person or client who asked (it names no internals)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """Nothing by that id is visible to the caller (whether it exists elsewhere is not said)."""


class Conflict(ServiceError):
    """The request was understood, but the row's current state does not allow it (e.g. already decided)."""


class Invalid(ServiceError):
    """A value the caller sent is not acceptable; `field` names it, so a form or a 400 can point at it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class Forbidden(ServiceError):
    """The caller may not do this, whatever the values (a rule of the business, checked before the database)."""

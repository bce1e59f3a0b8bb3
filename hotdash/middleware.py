"""Every request that may touch domain rows runs inside `acting_as(...)` for its user or token."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from hotdash.db_context import DbContext, acting_as
from hotdash.groups import role_for_user
from hotdash.tokens import access_token_read, context_from_token

# The caller's X-Request-ID, when it looks like one, is kept so logs join up across services: in a column of
# its own (client_request_id) and echoed in X-Client-Request-ID. It never becomes the request's id: that one
# (app.request_id, the audit rows' request_id, X-Request-ID of the response) is ours, because a value the
# caller chooses must not be something a policy or the audit trail relies on.
CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def client_request_id_for(request: HttpRequest) -> str | None:
    given = request.headers.get("X-Request-ID", "")
    return given if CLIENT_REQUEST_ID.match(given) else None


# The only paths where a bearer token stands for the caller. Elsewhere (the admin) the session's user decides:
# a token there would give a logged-in person another role's rows under their own permissions.
BEARER_PATH_PREFIX = "/api/"


def context_for_request(request: HttpRequest, request_id: str) -> DbContext | None:
    """Under /api/, the bearer token's claims when the request carries one; else the session user's groups."""
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and raw and request.path_info.startswith(BEARER_PATH_PREFIX):
        # Kept for the API's authentication class, which would otherwise verify the signature again.
        request.access_token = access_token_read(raw.strip())
        return context_from_token(request.access_token, request_id=request_id) if request.access_token else None
    role = role_for_user(request.user)
    if role is None:
        return None
    return DbContext(role=role, request_id=request_id, user=request.user.get_username())


class DbContextMiddleware:
    """Runs the view in one transaction as the request's role and tenant; no role means no domain rows.

    A 5xx response rolls the transaction back, so a view that failed half-way leaves nothing behind.
    A streaming response reads after the view has returned: its iterator gets the same context again.
    A view that waits (a long poll) declares `db_context_per_read = True` and opens a short
    `acting_as(**request.db_context)` for each read instead, so it holds no transaction while it waits.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = uuid.uuid4().hex
        request.client_request_id = client_request_id_for(request)
        context = context_for_request(request, request.request_id)
        request.db_context = context
        if context is None or _reads_in_own_transactions(request):
            response = self.get_response(request)
        else:
            with acting_as(**asdict(context)):
                response = self.get_response(request)
                if response.status_code >= 500:
                    transaction.set_rollback(True)
            if response.streaming and not response.is_async:
                response.streaming_content = _streamed_in(context, response.streaming_content)
        response["X-Request-ID"] = request.request_id
        if request.client_request_id is not None:
            response["X-Client-Request-ID"] = request.client_request_id
        return response


def _reads_in_own_transactions(request: HttpRequest) -> bool:
    try:
        view = resolve(request.path_info, getattr(request, "urlconf", None)).func
    except Resolver404:
        return False
    return bool(getattr(getattr(view, "cls", view), "db_context_per_read", False))


def _streamed_in(context: DbContext, content: Iterable[bytes]) -> Iterator[bytes]:
    with acting_as(**asdict(context)):
        yield from content

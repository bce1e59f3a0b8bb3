"""Long polls that wait in the event loop: the ASGI handler the production server runs.

A view that would otherwise block (an agent's `GET /api/v1/approvals/{id}/?wait=60`) answers as usual --
authentication, the database context, every middleware -- and marks its response `parked` instead of
blocking. The handler then lets Django finish that request (its thread ends, `request_finished` closes its
database connection) and only afterwards waits, in the event loop, on the wake-ups the parked response names.
Each wake-up re-reads in a short transaction on a pooled thread and closes the connection again, so a waiter
holds no thread, no database connection and no transaction while it waits, and costs no query until something
it waits for happens. The response's status and headers are the ones Django produced; only the body is
replaced by the last read.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponse

# Set in the ASGI scope by the handler: a view may park its response only when this server finishes it.
SCOPE_KEY = "hotdash.long_poll"
_parked_here: ContextVar[list | None] = ContextVar("hotdash_parked_here", default=None)


@dataclass
class Parked:
    """What a parked response waits for.

    until: time.monotonic() at which the current body is sent whatever happened.
    changed: awaitable giving a future that completes at the next wake-up; taken before each re-read.
    reread: (runs on a pooled thread) (settled, body): the body to send, and whether waiting is over.
    release: (runs on a pooled thread) frees what the view reserved for this wait.
    """

    until: float
    changed: Callable[[], Awaitable[asyncio.Future]]
    reread: Callable[[], tuple[bool, bytes]]
    release: Callable[[], None]


def parking_available(request: HttpRequest) -> bool:
    scope = getattr(request, "scope", None)
    return bool(scope and scope.get(SCOPE_KEY))


class LongPollASGIHandler(ASGIHandler):
    """Django's ASGI handler, finishing parked responses after the request, and admitting a few at a time.

    Django runs each request's synchronous part (middleware, views, the ORM) on a thread of its own with a
    connection of its own; a thousand agents arriving at once would open a thousand connections. At most
    HOTDASH_REQUESTS_PER_WORKER requests are inside Django at once; the rest queue in the event loop, and a
    parked wait has left Django before it waits, so waiters never hold a place.
    """

    def __init__(self):
        super().__init__()
        self._admitted: asyncio.Semaphore | None = None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        if self._admitted is None:
            self._admitted = asyncio.Semaphore(settings.HOTDASH_REQUESTS_PER_WORKER)
        parked: list[tuple[HttpResponse, Parked]] = []
        _parked_here.set(parked)
        # Django's own handling, thread and all; it returns once the response is sent -- or parked.
        async with self._admitted:
            await super().__call__({**scope, SCOPE_KEY: True}, receive, send)
        if parked:
            response, wait = parked[0]
            await self._finish(response, wait, receive, send)

    async def send_response(self, response, send):
        parked = _parked_here.get()
        wait = getattr(response, "parked", None)
        if wait is not None and parked is not None:
            parked.append((response, wait))
            return
        await super().send_response(response, send)

    async def _finish(self, response: HttpResponse, wait: Parked, receive, send) -> None:
        disconnected = asyncio.ensure_future(receive())
        body = None
        try:
            while (remaining := wait.until - time.monotonic()) > 0:
                try:
                    changed = await asyncio.wait_for(wait.changed(), remaining)
                except TimeoutError:
                    break
                settled, body = await sync_to_async(wait.reread, thread_sensitive=False)()
                if settled:
                    changed.cancel()
                    break
                done, _ = await asyncio.wait(
                    {changed, disconnected}, timeout=wait.until - time.monotonic(), return_when=asyncio.FIRST_COMPLETED
                )
                if disconnected in done:
                    changed.cancel()
                    return  # the client has gone: nobody to answer
                if not done:
                    changed.cancel()
                    break
        finally:
            disconnected.cancel()
            await sync_to_async(wait.release, thread_sensitive=False)()
        if body is not None:
            response.content = body
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(body))
        await super().send_response(response, send)

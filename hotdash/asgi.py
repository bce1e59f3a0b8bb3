"""The production entry point: `gunicorn hotdash.asgi:application -k uvicorn.workers.UvicornWorker` (README)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotdash.settings")
# Under ASGI each request runs in a context of its own: a connection kept past the request would belong to
# nobody and stay open. Connections are opened per request (PgBouncer pools them in production).
os.environ.setdefault("DJANGO_CONN_MAX_AGE", "0")
django.setup(set_prefix=False)

from hotdash.long_poll import LongPollASGIHandler  # noqa: E402 - Django must be set up first

application = LongPollASGIHandler()

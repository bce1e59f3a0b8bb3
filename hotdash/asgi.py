"""The production entry point: `gunicorn hotdash.asgi:application -k uvicorn.workers.UvicornWorker` (README)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotdash.settings")
# Under ASGI each request runs in a context of its own: a connection kept past the request would belong to
# nobody and stay open, so Django closes it, and a new one per request cost PostgreSQL a backend process each
# time (a decision took twice the machine's CPU, docs/benchmarks.md). Each web process keeps a pool instead.
os.environ.setdefault("HOTDASH_DB_POOL", "1")
django.setup(set_prefix=False)

from hotdash.long_poll import LongPollASGIHandler  # noqa: E402 - Django must be set up first

application = LongPollASGIHandler()

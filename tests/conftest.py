"""Shared fixtures: a real Celery worker process for the session, pointed at the test database."""

import os
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import pytest
from django.conf import settings

from hotdash.celery import app as celery_app


def _database_url(db: dict) -> str:
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A `celery worker` subprocess on a queue of its own, reading the test database.

    It is torn down before the test database is dropped (it depends on django_db_setup).
    """
    queue = f"hotdash-test-{uuid.uuid4().hex[:8]}"
    hostname = f"{queue}@localhost"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=_database_url(settings.DATABASES["default"]),
        CELERY_TASK_DEFAULT_QUEUE=queue,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "hotdash", "worker", "-P", "solo", "-Q", queue, "-n", hostname,
         "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        env=env,
    )
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[hostname], timeout=0.5):
            if process.poll() is not None:
                pytest.fail(f"celery worker exited with code {process.returncode}")
            if time.monotonic() > deadline:
                pytest.fail("celery worker did not answer a ping within 60 s")
        yield hostname
    finally:
        celery_app.conf.task_default_queue = previous_queue
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

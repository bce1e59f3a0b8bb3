"""Shared fixtures.

The test database is created and migrated through the owner connection; the code under test connects as
the runtime role `hotdash_app` (the `default` alias mirrors the owner's database), exactly as in
production, so no test passes because it ran as a superuser.
"""

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connections
from django.test import override_settings

from hotdash.celery import app as celery_app
from hotdash.db_context import Role, acting_as
from tests.api_client import Api, issue_token

# Kept between tests: the schema's history, and what migrate itself installs (groups, permissions, schedules).
KEPT_TABLES = {
    "django_migrations", "django_content_type", "auth_permission", "auth_group", "auth_group_permissions",
    "retention_policies",
}
KEPT_PREFIXES = ("django_celery_beat_",)


def database_url(db: dict) -> str:
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def owner_connect(**kwargs) -> psycopg.Connection:
    """A plain connection as the owner, outside Django's per-test database guards (set-up and clean-up only)."""
    return psycopg.connect(database_url(settings.DATABASES["owner"]), **kwargs)


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    """Create the test database through `owner`, whatever databases the collected tests name."""
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        db_cfg = setup_databases(
            verbosity=verbosity, interactive=False, aliases={"default", "owner"}, serialized_aliases=set()
        )
    yield
    with django_db_blocker.unblock():
        connections.close_all()  # the runtime connection mirrors the owner's database and would keep it open
        # The live server's request threads keep theirs while a client keeps its socket alive.
        with owner_connect(autocommit=True) as owner:
            owner.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        teardown_databases(db_cfg, verbosity=verbosity)


@pytest.fixture(scope="session", autouse=True)
def export_dir(tmp_path_factory):
    """Training exports of the session, and of its Celery worker, go to a temporary directory, not .hotdash/."""
    path = tmp_path_factory.mktemp("exports")
    with override_settings(HOTDASH_EXPORT_DIR=path):
        yield path


@pytest.fixture(autouse=True)
def _empty_tables_after_transactional_tests(request):
    """Transactional tests commit; empty the tables after each one through the owner connection.

    Django would flush through `default`, which is the runtime role and may not TRUNCATE anything.
    """
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    with owner_connect(autocommit=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
            if row[0] not in KEPT_TABLES and not row[0].startswith(KEPT_PREFIXES)
        ]
        if tables:
            names = ", ".join(psycopg.sql.Identifier(t).as_string(connection) for t in tables)
            connection.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test that Django flushed through `owner` (its fixtures are all torn down by now), reinstall the schedules."""
    result = yield
    marker = item.get_closest_marker("django_db")
    # After the session's last test the test database is already gone (its session fixture was torn down with
    # that test), and no later test needs the schedules.
    if nextitem is not None and marker is not None and "owner" in (marker.kwargs.get("databases") or ()):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _schedules_reinstall()
    return result


def _schedules_reinstall() -> None:
    """Install the beat schedules our migrations install, again.

    A test that names the `owner` database is flushed by Django through it once its fixtures are torn down, and a
    flush empties every table, the beat schedules included: the beat tests that ran after test_migrations found
    no schedule. Each schedule migration's `schedule` function is idempotent (get_or_create).
    """
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(connections["owner"])
    apps_now = loader.project_state().apps
    with connections["owner"].schema_editor() as editor:
        for (app_label, _name), migration in sorted(loader.disk_migrations.items()):
            if app_label not in ("approvals", "feedback", "metrics", "retention"):
                continue
            for operation in migration.operations:
                if isinstance(operation, RunPython) and operation.code.__name__ == "schedule":
                    operation.code(apps_now, editor)


@pytest.fixture
def as_service(db):
    """Run the test body as the service role (the platform and scheduled jobs)."""
    with acting_as(Role.SERVICE) as context:
        yield context


@dataclass(frozen=True)
class CeleryWorker:
    hostname: str
    queue: str
    env: dict  # the environment of Celery processes that belong with this worker (beat, for one)


def celery_env(queue: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(settings.DATABASES["default"]),
        DATABASE_OWNER_URL=database_url(settings.DATABASES["owner"]),
        CELERY_TASK_DEFAULT_QUEUE=queue,
        HOTDASH_EXPORT_DIR=str(settings.HOTDASH_EXPORT_DIR),
    )
    return env


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory, export_dir):
    """A `celery worker` subprocess on a queue of its own, reading the test database as hotdash_app.

    It is torn down before the test database is dropped (it depends on django_db_setup).
    """
    queue = f"hotdash-test-{uuid.uuid4().hex[:8]}"
    hostname = f"{queue}@localhost"
    env = celery_env(queue)
    # Backups and retention runs of tasks land in the test session's temporary directory, not the checkout's.
    env["HOTDASH_BACKUP_DIR"] = str(tmp_path_factory.mktemp("worker-backups"))
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
        yield CeleryWorker(hostname=hostname, queue=queue, env=env)
    finally:
        celery_app.conf.task_default_queue = previous_queue
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# Browser tests (Playwright driving the system's chromium against live_server): fixtures `browser`, `page`,
# `console_users` and the helper `admin_login` live in tests/browser.py; the PgBouncer fixtures `pgbouncer` and
# `pooled` in tests/pgbouncer.py.
pytest_plugins = ["tests.browser", "tests.pgbouncer"]


# --- API clients over real HTTP ------------------------------------------------------------------------


@pytest.fixture
def platform(live_server) -> Api:
    """The agent platform: an ingest token."""
    return Api(live_server.url, issue_token("--role", "ingest", "--client", "agent-platform"))


@pytest.fixture
def operator(live_server, django_user_model) -> Api:
    """An operator of the console, with the token pair its login gives."""
    user = django_user_model.objects.create_user("olga", password="a-long-password-1")
    user.groups.add(Group.objects.get(name="Operators"))
    pair = Api(live_server.url).post("/auth/token/", {"username": "olga", "password": "a-long-password-1"}).json()
    return Api(live_server.url, pair["access"])


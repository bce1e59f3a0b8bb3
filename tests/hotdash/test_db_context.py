import copy

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import ProgrammingError, connection, connections, transaction
from django.db.backends.postgresql.base import DatabaseWrapper

from hotdash.db_context import Role, acting_as, current_context

SETTINGS_SQL = (
    "SELECT current_user, current_setting('app.current_project', true), current_setting('app.current_scope', true),"
    " current_setting('app.conversation_id', true), current_setting('app.request_id', true)"
)


def database_state() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(SETTINGS_SQL)
        user, *settings = cursor.fetchone()
    # A setting never set in this session reads NULL, one reset at a transaction's end reads ''.
    return (user, *[value or "" for value in settings])


def fact_projects() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT project FROM facts ORDER BY 1")
        return [row[0] for row in cursor.fetchall()]


def add_facts(*projects: str) -> None:
    with acting_as(Role.SERVICE), connection.cursor() as cursor:
        for project in projects:
            cursor.execute("INSERT INTO facts (project, topic, key, value) VALUES (%s, 'sales', 'daily', '1')", [project])


@pytest.mark.django_db(transaction=True)
def test_role_and_tenant_last_exactly_one_transaction():
    with acting_as(Role.TENANT, project="occ", scope="ops", conversation_id="c-1", request_id="req-1"):
        assert database_state() == ("hotdash_tenant", "occ", "ops", "c-1", "req-1")
        assert connection.in_atomic_block

    assert not connection.in_atomic_block
    assert database_state() == ("hotdash_app", "", "", "", "")
    assert current_context() is None


@pytest.mark.django_db(transaction=True)
def test_a_nested_context_gives_the_outer_one_back_on_success_and_on_error():
    with acting_as(Role.TENANT, project="occ"):
        with acting_as(Role.SERVICE, request_id="job-1"):
            assert database_state() == ("hotdash_service", "", "", "", "job-1")
        assert database_state() == ("hotdash_tenant", "occ", "", "", "")

        with pytest.raises(RuntimeError), acting_as(Role.AI_READONLY):
            assert database_state()[0] == "hotdash_ai_readonly"
            raise RuntimeError("the inner block fails")
        assert database_state() == ("hotdash_tenant", "occ", "", "", "")
        assert current_context().role is Role.TENANT


@pytest.mark.django_db
def test_inside_a_transaction_opened_elsewhere_the_block_leaves_no_role_behind():
    # pytest-django's test transaction is open already: acting_as joins it as a savepoint.
    assert connection.in_atomic_block
    with acting_as(Role.SERVICE):
        pass

    assert database_state() == ("hotdash_app", "", "", "", "")
    with pytest.raises(ProgrammingError, match="permission denied for table facts"), transaction.atomic():
        fact_projects()


@pytest.mark.django_db(transaction=True)
def test_a_pooled_connection_serving_two_projects_in_turn_never_mixes_them():
    # given facts of two projects, and one connection that stays open (as CONN_MAX_AGE or a pooler keeps it)
    add_facts("occ", "occ", "chatwoot")
    backend_pid = connection.connection.info.backend_pid

    # when 1,000 transactions alternate between the two projects on it
    seen = []
    for turn in range(1000):
        project = ("occ", "chatwoot")[turn % 2]
        with acting_as(Role.TENANT, project=project):
            seen.append((project, fact_projects()))
        # then nothing of the transaction survives it
        assert database_state() == ("hotdash_app", "", "", "", "")

    assert connection.connection.info.backend_pid == backend_pid
    assert all(projects == [project] for project, projects in seen)


@pytest.mark.django_db
def test_the_runtime_connection_refuses_a_role_that_would_bypass_row_level_security():
    # given DATABASE_URL pointing at a superuser (the schema owner, in the test set-up)
    settings = copy.deepcopy(connection.settings_dict)
    settings["USER"] = connections["owner"].settings_dict["USER"]
    wrapper = DatabaseWrapper(settings, alias="default")

    # when it connects, then the process refuses to go on
    with pytest.raises(ImproperlyConfigured, match="is a superuser: row-level security would not apply"):
        wrapper.ensure_connection()
    wrapper.close()

"""Through PgBouncer in transaction pooling mode with a pool of 2 server connections: the tenant context is
transaction-local, so a server connection handed from one client to the next carries nothing over.

The runtime connection (`default`, hotdash_app) is pointed at PgBouncer for these tests; the owner's set-up
and clean-up still connect directly, as migrations do in production.
"""

import asyncio
import threading

import pytest
import requests
from django.contrib.auth.models import Group
from django.db import connection, connections

from approvals.services import approval_create
from hotdash.db_context import Role, acting_as
from tests.api_client import issue_token
from tests.approvals.states import refund_state
from tests.asgi_server import asgi_server_start, asgi_server_stop, http_get
from tests.conftest import database_url
from tests.hotdash.test_rls_matrix import TABLES, expected, observed, seed_rows
from tests.pgbouncer import SERVER_CONNECTIONS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_the_access_matrix_tenant_cells_hold_through_pgbouncer(pooled, table):
    ids = seed_rows()

    assert connection.settings_dict["PORT"] == str(pooled.port)
    assert observed(Role.TENANT, TABLES[table], ids) == expected(Role.TENANT, table)


def test_a_thousand_alternating_tenants_over_two_server_connections_see_only_their_own_rows(pooled):
    with acting_as(Role.SERVICE), connection.cursor() as cursor:
        for project in ("tenant-a", "tenant-b"):
            cursor.execute("INSERT INTO facts (project, topic, key, value) VALUES (%s, 'sales', 'k', '1')", [project])
    connections.close_all()
    seen, leaked, errors = [], [], []
    clients = 8

    def client(n: int) -> None:
        try:
            for i in range(1000 // clients):
                project = ("tenant-a", "tenant-b")[(n + i) % 2]
                with acting_as(Role.TENANT, project=project), connection.cursor() as cursor:
                    cursor.execute("SELECT array_agg(DISTINCT project) FROM facts")
                    seen.append((project, cursor.fetchone()[0]))
                # Between transactions (autocommit), on whatever server connection PgBouncer hands us next.
                with connection.cursor() as cursor:
                    # No role and no tenant left behind (hotdash_app alone may read no domain table at all).
                    cursor.execute("SELECT current_user, coalesce(current_setting('app.current_project', true), '')")
                    state = cursor.fetchone()
                    if state != ("hotdash_app", ""):
                        leaked.append(state)
        except Exception as exc:  # reported below: a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    servers = pooled.servers()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(seen) == 1000
    assert {(project, tuple(rows)) for project, rows in seen} == {("tenant-a", ("tenant-a",)), ("tenant-b", ("tenant-b",))}
    assert leaked == []
    assert servers <= SERVER_CONNECTIONS


def test_a_waiting_agent_is_answered_when_an_operator_decides_all_through_pgbouncer(pooled, django_user_model):
    with acting_as(Role.INGEST):
        approval, _ = approval_create(conversation_id="c", serialized=refund_state())
    user = django_user_model.objects.create_user("olga", password="a-long-password-1")
    user.groups.add(Group.objects.get(name="Operators"))
    agent = issue_token("--role", "ingest", "--client", "agent-platform")
    connections.close_all()
    process, server = asgi_server_start(DATABASE_URL=database_url(connections["default"].settings_dict))
    try:
        pair = requests.post(
            f"{server.url}/api/v1/auth/token/", json={"username": "olga", "password": "a-long-password-1"}, timeout=30
        ).json()

        async def scenario():
            waiting = asyncio.ensure_future(http_get(server, f"/api/v1/approvals/{approval.pk}/?wait=30", agent))
            await asyncio.sleep(2)
            decided = await asyncio.to_thread(
                requests.post, f"{server.url}/api/v1/approvals/{approval.pk}/approve/", json={},
                headers={"Authorization": f"Bearer {pair['access']}"}, timeout=30,
            )
            return decided, await waiting

        decided, waited = asyncio.run(scenario())
    finally:
        asgi_server_stop(process)

    assert decided.status_code == 200
    assert (waited.status, waited.body["status"], waited.body["decided_by"]) == (200, "approved", "olga")
    assert waited.seconds < 5

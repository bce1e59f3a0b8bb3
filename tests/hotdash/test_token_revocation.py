"""Tokens do not outlive the role: refresh reads the user again and rotates; revocation stops every token at once.

Over real HTTP against the live server, whose process keeps verified tokens in memory: a revoked token that
worked a moment before must be refused on its very next call.
"""

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from tests.api_client import issue_token
from tests.conftest import celery_env

PASSWORD = "a-long-password-1"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(live_server) -> str:
    return f"{live_server.url}/api/v1"


@pytest.fixture
def operator(django_user_model):
    user = django_user_model.objects.create_user("olga", password=PASSWORD)
    user.groups.add(Group.objects.get(name="Operators"))
    return user


def login(api: str, username: str = "olga") -> dict:
    response = requests.post(f"{api}/auth/token/", json={"username": username, "password": PASSWORD}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def refresh(api: str, token: str) -> requests.Response:
    return requests.post(f"{api}/auth/token/refresh/", json={"refresh": token}, timeout=10)


def approvals_status(api: str, access: str) -> int:
    return requests.get(f"{api}/approvals/", headers=bearer(access), timeout=10).status_code


def next_second() -> None:
    """Tokens carry whole seconds: one issued in the second of a revocation counts as revoked."""
    time.sleep(1.05 - time.time() % 1)


def test_a_refresh_token_works_once_and_its_successor_works(api, operator):
    first = login(api)["refresh"]

    rotated = refresh(api, first)
    replayed = refresh(api, first)
    again = refresh(api, rotated.json()["refresh"])

    assert rotated.status_code == 200 and rotated.json()["refresh"] != first
    assert approvals_status(api, rotated.json()["access"]) == 200
    assert (replayed.status_code, replayed.json()["code"]) == (401, "token_not_valid")
    assert again.status_code == 200


def test_refresh_refuses_a_user_whose_role_changed(api, operator):
    pair = login(api)
    operator.groups.set([Group.objects.get(name="Annotators")])

    response = refresh(api, pair["refresh"])

    assert (response.status_code, response.json()["code"]) == (401, "role_changed")


def test_refresh_refuses_a_deactivated_user(api, operator):
    pair = login(api)
    operator.is_active = False
    operator.save()

    response = refresh(api, pair["refresh"])

    assert (response.status_code, response.json()["code"]) == (401, "no_active_account")


def test_revoke_tokens_for_a_user_stops_their_access_and_refresh_tokens_at_once(api, operator):
    pair = login(api)
    assert approvals_status(api, pair["access"]) == 200  # verified and kept by the live server's process

    call_command("revoke_tokens", "--user", "olga")

    assert approvals_status(api, pair["access"]) == 401
    assert refresh(api, pair["refresh"]).status_code == 401
    next_second()
    assert approvals_status(api, login(api)["access"]) == 200  # logging in again works


def test_revoke_tokens_for_a_machine_client_from_another_process_revokes_all_its_tokens(api, live_server):
    ingest = issue_token("--role", "ingest", "--client", "agent-platform")
    tenant = issue_token("--role", "tenant", "--conversation", "conv-1", "--client", "agent-platform")
    other = issue_token("--role", "ingest", "--client", "another-platform")
    assert [approvals_status(api, t) for t in (ingest, tenant, other)] == [200, 200, 200]

    result = subprocess.run(
        [sys.executable, "manage.py", "revoke_tokens", "--client", "agent-platform"],
        env=celery_env("unused"), capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("revoked the API tokens of client agent-platform issued until ")
    assert [approvals_status(api, t) for t in (ingest, tenant, other)] == [401, 401, 200]
    body = requests.get(f"{api}/approvals/", headers=bearer(ingest), timeout=10).json()
    assert body["detail"] == "Token has been revoked"


def test_the_users_admin_action_revokes_the_selected_users_tokens(api, live_server, operator, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password=PASSWORD)
    pair = login(api)
    session = requests.Session()
    login_page = session.get(f"{live_server.url}/admin/login/", timeout=10)
    assert login_page.status_code == 200
    session.post(
        f"{live_server.url}/admin/login/?next=/admin/",
        data={"username": admin.username, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        timeout=10,
    )

    response = session.post(
        f"{live_server.url}/admin/auth/user/",
        data={
            "action": "revoke_api_tokens",
            "_selected_action": [operator.pk],
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=10,
    )

    assert response.status_code == 200
    assert "API tokens revoked: olga." in response.text
    assert approvals_status(api, pair["access"]) == 401
    assert refresh(api, pair["refresh"]).status_code == 401


@pytest.mark.django_db
def test_revoke_tokens_refuses_an_unknown_user_and_needs_a_subject():
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("revoke_tokens", "--user", "nobody")
    with pytest.raises(CommandError, match="one of the arguments --user --client is required"):
        call_command("revoke_tokens")


def test_one_refresh_token_refreshed_many_times_at_once_succeeds_once(api, operator):
    first = login(api)["refresh"]
    barrier = threading.Barrier(6)

    def attempt(_):
        barrier.wait()
        return refresh(api, first).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = sorted(pool.map(attempt, range(6)))

    assert codes == [200, 401, 401, 401, 401, 401]

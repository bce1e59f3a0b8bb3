"""Production settings: on by default without DEBUG, `check --deploy` clean, logins rate-limited and locked out."""

import json
import os
import subprocess
import sys
import uuid

import pytest
import requests
from django.core.cache import cache

from hotdash.api.throttling import AuthTokenThrottle

PASSWORD = "a-long-password-1"
# What the test environment (tools/devstack.py) turns off to serve plain HTTP; production sets none of them.
TEST_OVERRIDES = (
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SESSION_COOKIE_SECURE",
    "DJANGO_CSRF_COOKIE_SECURE",
    "HOTDASH_AUTH_TOKEN_RATE",
)


def production_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in TEST_OVERRIDES}
    env.update(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="console.example.com", **extra)
    return env


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_with_production_variables():
    result = manage(production_env(), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_debug_every_protection_is_on_by_default_and_a_proxy_header_is_read_from_the_environment():
    names = [
        "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_AGE", "SECURE_PROXY_SSL_HEADER",
    ]
    script = f"import json; from django.conf import settings as s; print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"

    plain = manage(production_env(), "shell", "--no-imports", "-c", script)
    proxied = manage(
        production_env(DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https"), "shell", "--no-imports", "-c", script
    )

    assert plain.returncode == 0, plain.stderr
    assert json.loads(plain.stdout) == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_AGE": 8 * 3600,
        "SECURE_PROXY_SSL_HEADER": None,
    }
    assert json.loads(proxied.stdout)["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.django_db
def test_http_is_redirected_to_https_and_https_answers_with_hsts_and_the_csp(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    plain = client.get("/admin/login/")
    secure = client.get("/admin/login/", secure=True)
    behind_proxy = client.get("/admin/login/", headers={"X-Forwarded-Proto": "https"})

    assert (plain.status_code, plain["Location"]) == (301, "https://testserver/admin/login/")
    assert secure.status_code == 200 and behind_proxy.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=3600")
    directives = dict(d.strip().split(" ", 1) for d in secure["Content-Security-Policy"].split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_the_admin_login_locks_a_username_out_after_five_failures(client, django_user_model):
    django_user_model.objects.create_user("olga", password=PASSWORD, is_staff=True)
    failures = [client.post("/admin/login/", {"username": "olga", "password": "nope"}).status_code for _ in range(5)]

    locked = client.post("/admin/login/", {"username": "olga", "password": PASSWORD})

    assert failures == [200, 200, 200, 200, 429]  # the form again with its error, then the lockout
    assert locked.status_code == 429
    assert "Too many failed logins for this username from this address" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_token_endpoint_locks_a_username_out_after_five_failures(live_server, django_user_model):
    django_user_model.objects.create_user("olga", password=PASSWORD)
    django_user_model.objects.create_user("ann", password=PASSWORD)
    url = f"{live_server.url}/api/v1/auth/token/"
    failures = [requests.post(url, json={"username": "olga", "password": "nope"}, timeout=10).status_code for _ in range(5)]

    locked = requests.post(url, json={"username": "olga", "password": PASSWORD}, timeout=10)
    someone_else = requests.post(url, json={"username": "ann", "password": PASSWORD}, timeout=10)

    assert failures == [401, 401, 401, 401, 429]
    assert (locked.status_code, locked.json()["code"]) == (429, "locked_out")
    assert "access" not in locked.json()
    assert someone_else.status_code == 200


@pytest.mark.django_db
def test_the_token_endpoints_are_throttled_per_address(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"auth-token": "3/minute"}}
    # The count lives in Redis, shared with every earlier request from this address: start from zero.
    cache.delete(AuthTokenThrottle.cache_format % {"scope": "auth-token", "ident": "127.0.0.1"})
    refresh = [
        client.post("/api/v1/auth/token/refresh/", {"refresh": "x"}, content_type="application/json").status_code
        for _ in range(3)
    ]

    throttled = client.post(
        "/api/v1/auth/token/", {"username": uuid.uuid4().hex, "password": "x"}, content_type="application/json"
    )

    assert refresh == [401, 401, 401]
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0

import pytest
from django.contrib.auth.models import Group

from hotdash.groups import MONITORING, OPERATORS

UNREACHABLE = "redis://127.0.0.1:1/0"  # port 1 on loopback: nothing listens, the connection is refused at once


@pytest.fixture(autouse=True)
def _fresh_details(settings):
    # Each test reads its own situation, not the report an earlier test left in the per-process cache.
    settings.HOTDASH_HEALTH_DETAILS_CACHE_SECONDS = 0


@pytest.fixture
def staff(django_user_model):
    def make(username: str, *groups: str, is_staff: bool = True, is_superuser: bool = False):
        user = django_user_model.objects.create_user(username, is_staff=is_staff, is_superuser=is_superuser)
        user.groups.set(Group.objects.filter(name__in=groups))
        return user

    return make


@pytest.mark.django_db
def test_healthz_says_ok_and_nothing_else_when_database_and_redis_are_up(client):
    response = client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.django_db
def test_healthz_is_503_and_says_only_unavailable_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = UNREACHABLE

    response = client.get("/healthz")

    assert (response.status_code, response.json()) == (503, {"status": "unavailable"})


@pytest.mark.django_db
def test_a_worker_outage_shows_in_the_details_not_as_a_503(client, settings, staff):
    # The broker is unreachable, so no worker can answer; the web node itself still serves.
    settings.CELERY_BROKER_URL = UNREACHABLE
    client.force_login(staff("mona", MONITORING))

    public = client.get("/healthz")
    details = client.get("/healthz/details").json()

    assert (public.status_code, public.json()) == (200, {"status": "ok"})
    assert details["status"] == "degraded"
    assert {name: check["ok"] for name, check in details["checks"].items()} == {
        "database": True,
        "redis": True,
        "celery": False,
    }
    assert "Connection" in details["checks"]["celery"]["error"]


@pytest.mark.django_db
def test_the_details_name_the_workers_for_the_monitoring_group_and_superusers(client, celery_worker, staff):
    for user in (staff("mona", MONITORING), staff("root", is_superuser=True)):
        client.force_login(user)
        response = client.get("/healthz/details")

        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok"
        assert all(check["ok"] for check in body["checks"].values())
        assert celery_worker.hostname in body["checks"]["celery"]["detail"]["workers"]


@pytest.mark.django_db
def test_the_details_report_a_redis_failure_with_its_reason(client, settings, staff):
    settings.REDIS_URL = UNREACHABLE
    client.force_login(staff("mona", MONITORING))

    body = client.get("/healthz/details").json()

    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["ok"] is False and "Connection" in body["checks"]["redis"]["error"]


@pytest.mark.django_db
def test_the_details_need_a_login_and_the_monitoring_group_or_superuser(client, staff):
    anonymous = client.get("/healthz/details")
    client.force_login(staff("olga", OPERATORS))
    operator = client.get("/healthz/details")
    client.force_login(staff("nina", MONITORING, is_staff=False))
    not_staff = client.get("/healthz/details")

    assert (anonymous.status_code, anonymous["Location"]) == (302, "/admin/login/?next=/healthz/details")
    assert operator.status_code == 403
    assert not_staff.status_code == 403


@pytest.mark.django_db
def test_the_details_are_cached_for_a_few_seconds(client, settings, staff):
    settings.HOTDASH_HEALTH_DETAILS_CACHE_SECONDS = 60
    client.force_login(staff("mona", MONITORING))
    first = client.get("/healthz/details").json()
    settings.REDIS_URL = UNREACHABLE

    cached = client.get("/healthz/details").json()
    settings.HOTDASH_HEALTH_DETAILS_CACHE_SECONDS = 0
    fresh = client.get("/healthz/details").json()

    assert cached == first
    assert fresh["status"] == "unavailable"


def test_healthz_accepts_only_get(client):
    assert client.post("/healthz").status_code == 405


def test_the_site_root_leads_to_the_console(client):
    response = client.get("/")

    assert (response.status_code, response["Location"]) == (302, "/admin/")

import pytest


@pytest.mark.django_db
def test_healthz_is_200_when_database_redis_and_worker_are_up(client, celery_worker):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "redis": True,
        "celery": True,
    }
    assert celery_worker.hostname in body["checks"]["celery"]["detail"]["workers"]


@pytest.mark.django_db
def test_healthz_is_503_when_redis_is_unreachable(client, settings):
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is False
    assert "Connection" in body["checks"]["redis"]["error"]
    assert body["checks"]["celery"]["ok"] is False


def test_healthz_accepts_only_get(client):
    assert client.post("/healthz").status_code == 405


def test_the_site_root_leads_to_the_console(client):
    response = client.get("/")

    assert (response.status_code, response["Location"]) == (302, "/admin/")

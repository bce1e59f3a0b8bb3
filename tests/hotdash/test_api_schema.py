import pytest


@pytest.mark.django_db
def test_the_openapi_schema_describes_the_api_without_a_token(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/approvals/",
        "/api/v1/approvals/{id}/",
        "/api/v1/approvals/{id}/approve/",
        "/api/v1/approvals/{id}/reject/",
        "/api/v1/facts/",
        "/api/v1/exports/",
        "/api/v1/exports/{id}/",
        "/api/v1/exports/{id}/download/",
        "/api/v1/auth/token/",
    } <= set(paths)


@pytest.mark.django_db
def test_the_api_docs_load_their_assets_from_the_console_not_a_cdn(client):
    page = client.get("/api/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "https://" not in page and "http://" not in page.replace("http://testserver", "")


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.django_db
def test_a_browser_gets_the_schema_as_json_it_can_show_and_tools_can_still_ask_for_yaml(client):
    browser = client.get("/api/schema/", HTTP_ACCEPT=BROWSER_ACCEPT)
    yaml = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")

    assert browser.status_code == 200
    assert browser["Content-Type"] == "application/json"
    assert not browser.get("Content-Disposition", "").startswith("attachment")
    assert browser.json()["info"]["title"] == "HotDash Console API"
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.content.startswith(b"openapi: ")


@pytest.mark.django_db
def test_the_schema_describes_the_bearer_tokens_and_check_deploy_has_no_schema_warning(client):
    from io import StringIO

    from django.core.management import call_command

    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    err = StringIO()
    call_command("check", "--deploy", stdout=StringIO(), stderr=err)

    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": "A token from POST /api/v1/auth/token/ (console users) or `manage.py issue_token` (machine clients).",
    }
    assert {"bearerAuth": []} in schema["paths"]["/api/v1/approvals/{id}/approve/"]["post"]["security"]
    assert "drf_spectacular.W001" not in err.getvalue()

import pytest
from django.contrib.auth.models import Group

from tests.api_client import Api, issue_token


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

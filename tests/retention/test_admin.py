import gzip
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from hotdash.groups import ANNOTATORS, OPERATORS
from retention.services import backup_run
from tests.retention.data import rows_seed

pytestmark = pytest.mark.django_db


def console_client(client, username: str, group: str):
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


def test_a_backup_is_listed_with_download_links_that_serve_its_files(client):
    rows_seed()
    run = backup_run(tables=["agent_queries"])
    operator = console_client(client, "olga", OPERATORS)

    listing = operator.get("/admin/retention/datarun/")
    page = operator.get(f"/admin/retention/datarun/{run.pk}/change/")
    download = operator.get(f"/admin/retention/datarun/{run.pk}/download/agent_queries.copy.gz")

    assert listing.status_code == 200 and f"/admin/retention/datarun/{run.pk}/download/manifest.json" in listing.text
    assert f"/admin/retention/datarun/{run.pk}/download/agent_queries.copy.gz" in page.text
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body == (Path(run.directory) / "agent_queries.copy.gz").read_bytes()
    assert len(gzip.decompress(body).splitlines()) == 2


def test_downloads_are_limited_to_the_run_s_files_and_to_staff_who_may_see_runs(client):
    run = backup_run(tables=["facts"])

    assert client.get(f"/admin/retention/datarun/{run.pk}/download/manifest.json").status_code == 302  # log in first
    operator = console_client(client, "olga", OPERATORS)
    assert operator.get(f"/admin/retention/datarun/{run.pk}/download/manifest.json.partial").status_code == 404
    assert operator.get(f"/admin/retention/datarun/{run.pk}/download/agent_feedback.copy.gz").status_code == 404
    client.logout()
    annotator = console_client(client, "anna", ANNOTATORS)
    assert annotator.get(f"/admin/retention/datarun/{run.pk}/download/manifest.json").status_code == 403


def test_a_pruned_backup_stays_listed_without_links(client, settings):
    settings.HOTDASH_BACKUP_KEEP = 1
    first = backup_run(tables=["facts"])
    backup_run(tables=["facts"])
    operator = console_client(client, "olga", OPERATORS)

    assert not Path(first.directory).exists()
    assert operator.get(f"/admin/retention/datarun/{first.pk}/download/manifest.json").status_code == 404
    assert "not on disk" in operator.get(f"/admin/retention/datarun/{first.pk}/change/").text

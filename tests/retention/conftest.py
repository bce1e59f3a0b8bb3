import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connections


@pytest.fixture(autouse=True)
def backup_dir(tmp_path, settings):
    """Every test writes its run directories under a directory of its own."""
    settings.HOTDASH_BACKUP_DIR = tmp_path / "backups"
    return settings.HOTDASH_BACKUP_DIR


@pytest.fixture(autouse=True)
def production_policies(request):
    """The policies migrate installs. A transactional test that uses the owner connection ends with Django's
    flush, which empties every table, so they are put back (idempotently, by the migration's own function)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or "owner" not in marker.kwargs.get("databases", ()):
        return
    seed = importlib.import_module("retention.migrations.0003_production_policies").seed
    seed(apps, SimpleNamespace(connection=connections["owner"]))

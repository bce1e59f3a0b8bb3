"""Every migration of our apps can be rolled back and applied again (the report asked for a rollback per migration)."""

import pytest
from django.core.management import call_command
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from hotdash.framework_grants import DOMAIN_APPS, domain_tables

DOMAIN_TABLES = set(domain_tables())


def app_migrations(app_label: str) -> list[str]:
    """The app's migration names in order (each app's history is one chain)."""
    graph = MigrationLoader(connections["owner"]).graph
    leaves = graph.leaf_nodes(app_label)
    assert len(leaves) <= 1, f"{app_label} has more than one leaf migration: {leaves}"
    if not leaves:
        return []
    return [name for app, name in graph.forwards_plan(leaves[0]) if app == app_label]


def existing(names: set[str]) -> set[str]:
    return names & set(connections["owner"].introspection.table_names(include_views=True))


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_every_migration_rolls_back_one_step_at_a_time_and_reapplies():
    for app_label in DOMAIN_APPS:
        names = app_migrations(app_label)
        for target in [*reversed(names[:-1]), "zero"]:
            call_command("migrate", app_label, target, verbosity=0)
        call_command("migrate", verbosity=0)

    assert existing(DOMAIN_TABLES | {"decision_sync_events"}) == DOMAIN_TABLES | {"decision_sync_events"}


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_migrating_our_apps_to_zero_removes_their_tables_views_and_functions():
    call_command("migrate", "hotdash", "zero", verbosity=0)
    for app_label in ("approvals", "feedback", "metrics", "retention"):
        call_command("migrate", app_label, "zero", verbosity=0)

    try:
        assert existing(DOMAIN_TABLES | {"decision_sync_events", "v_agent_kpis"}) == set()
        with connections["owner"].cursor() as cursor:
            cursor.execute("SELECT proname FROM pg_proc WHERE proname LIKE 'hotdash\\_%%'")
            assert cursor.fetchall() == []
    finally:
        call_command("migrate", verbosity=0)

    assert existing(DOMAIN_TABLES) == DOMAIN_TABLES


@pytest.mark.django_db(databases=["default", "owner"])
def test_models_and_migrations_agree():
    # makemigrations --check exits non-zero when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)

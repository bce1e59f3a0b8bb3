"""Privileges on Django's own tables (users, sessions, admin log, beat schedules, migration history).

These tables hold no tenant data, so they carry no row-level security; they are granted to the runtime
role itself (a login page must read users before any role is chosen) and to `hotdash_framework`, which the
console's capability roles inherit (the admin reads permissions and writes its log while acting as one).
The grants follow the tables: they are re-applied after every `migrate`, so a table that a Django or
django-celery-beat upgrade adds is covered without a migration of ours.
"""

from django.apps import apps
from django.db import connections
from psycopg import sql

DOMAIN_APPS = ("hotdash", "approvals", "feedback", "metrics", "retention")
GRANTEES = ("hotdash_app", "hotdash_framework")


def domain_tables() -> list[str]:
    """Tables of our own apps: every one of them carries row-level security."""
    return sorted(
        model._meta.db_table
        for label in DOMAIN_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed
    )


def framework_tables() -> list[str]:
    """Tables of the installed apps that are not ours (their many-to-many tables included)."""
    tables = {
        model._meta.db_table
        for config in apps.get_app_configs()
        if config.label not in DOMAIN_APPS
        for model in config.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(tables)


def framework_privileges_grant(*, using: str) -> None:
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    names = [name for name in framework_tables() if name in existing]
    grantees = sql.SQL(", ").join(sql.Identifier(name) for name in GRANTEES)
    with connection.cursor() as cursor:
        if names:
            tables = sql.SQL(", ").join(sql.Identifier(name) for name in names)
            cursor.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {}").format(tables, grantees))
            cursor.execute(
                """
                SELECT seq.relname
                FROM pg_class seq
                JOIN pg_depend dep ON dep.objid = seq.oid AND dep.deptype IN ('a', 'i')
                JOIN pg_class tab ON tab.oid = dep.refobjid
                WHERE seq.relkind = 'S' AND tab.relname = ANY(%s)
                """,
                [names],
            )
            sequences = [sql.Identifier(row[0]) for row in cursor.fetchall()]
            if sequences:
                cursor.execute(
                    sql.SQL("GRANT USAGE, SELECT ON SEQUENCE {} TO {}").format(sql.SQL(", ").join(sequences), grantees)
                )
        # Read-only: runserver and makemigrations compare the applied migrations with the code.
        cursor.execute(sql.SQL("GRANT SELECT ON django_migrations TO {}").format(grantees))


def framework_privileges_grant_on_migrate(*, using: str, **kwargs) -> None:
    framework_privileges_grant(using=using)

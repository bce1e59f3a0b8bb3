from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class HotdashConfig(AppConfig):
    """The project package is also an app: it holds cross-app commands (seed_demo), roles and user groups."""

    name = "hotdash"
    verbose_name = "HotDash"

    def ready(self) -> None:
        # Registers the bearer authentication with drf-spectacular (a subclass registers itself).
        import hotdash.api.schema  # noqa: F401
        from hotdash.db_context import runtime_role_check
        from hotdash.framework_grants import framework_privileges_grant_on_migrate
        from hotdash.groups import groups_sync_on_migrate

        # Not limited to one app's signal: permissions of apps listed later only exist once their own
        # post_migrate has run, so both repeat (idempotently) after each app.
        post_migrate.connect(framework_privileges_grant_on_migrate, dispatch_uid="hotdash.framework_grants")
        post_migrate.connect(groups_sync_on_migrate, dispatch_uid="hotdash.groups_sync")
        connection_created.connect(runtime_role_check, dispatch_uid="hotdash.runtime_role_check")

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HotdashConfig(AppConfig):
    """The project package is also an app: it holds cross-app commands (seed_demo) and the user groups."""

    name = "hotdash"
    verbose_name = "HotDash"

    def ready(self) -> None:
        from hotdash.groups import groups_sync_on_migrate

        # Not limited to this app's signal: permissions of apps listed later only exist once their own
        # post_migrate has run, so the sync repeats (idempotently) after each app.
        post_migrate.connect(groups_sync_on_migrate, dispatch_uid="hotdash.groups_sync")

from django.apps import AppConfig


class RevocationsConfig(AppConfig):
    """When each token subject (a console user, a machine client) last had its API tokens revoked.

    Not a domain table: it holds no tenant data, so like Django's own tables it is granted to the runtime role
    (hotdash/framework_grants.py), which must read it before any role is chosen for a request.
    """

    name = "hotdash.revocations"
    label = "token_revocations"
    verbose_name = "API token revocations"
    default_auto_field = "django.db.models.BigAutoField"

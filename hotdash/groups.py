"""The four console groups and the Django model permissions each one holds.

Permissions only decide what the admin shows; the database's own roles and policies are what
keep rows apart. Groups are kept in sync after every migrate, so a fresh database has them.
"""

from django.contrib.auth.models import Group, Permission

OPERATORS = "Operators"
ANNOTATORS = "Annotators"
QA = "QA"
MONITORING = "Monitoring"

# group -> {app_label.model: actions}
GROUP_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    OPERATORS: {
        "approvals.agentapproval": ("view", "change"),
        "metrics.agentquery": ("view", "change"),
        "metrics.decisionsynceventlog": ("view",),
    },
    ANNOTATORS: {
        "feedback.agentfeedback": ("view", "change"),
        "feedback.supportcuratedreply": ("view", "add"),
    },
    QA: {
        "feedback.agentfeedback": ("view",),
        "feedback.supportcuratedreply": ("view",),
        "metrics.agentquery": ("view",),
        "metrics.agentrun": ("view",),
        "metrics.agentqc": ("view",),
    },
    MONITORING: {
        "metrics.agentquery": ("view",),
        "metrics.decisionsynceventlog": ("view",),
        "metrics.observabilitylog": ("view",),
        "metrics.agentrun": ("view",),
        "metrics.agentqc": ("view",),
        "django_celery_beat.periodictask": ("view",),
    },
}


def groups_sync() -> dict[str, Group]:
    """Create the groups if missing and set each one's permissions to exactly GROUP_PERMISSIONS."""
    groups = {}
    for name, grants in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for model_key, actions in grants.items():
            app_label, model = model_key.split(".")
            codenames = [f"{action}_{model}" for action in actions]
            found = list(
                Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )
            if len(found) != len(codenames):
                # Permissions appear with their app's migration; an app migrated later syncs again.
                continue
            wanted.extend(found)
        group.permissions.set(wanted)
        groups[name] = group
    return groups


def groups_sync_on_migrate(**kwargs) -> None:
    groups_sync()

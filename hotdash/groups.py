"""The four console groups and the Django model permissions each one holds.

Permissions only decide what the admin shows; the database's own roles and policies are what
keep rows apart. Groups are kept in sync after every migrate, so a fresh database has them.
"""

from django.contrib.auth.models import Group, Permission

from hotdash.db_context import Role

OPERATORS = "Operators"
ANNOTATORS = "Annotators"
QA = "QA"
MONITORING = "Monitoring"

# The database role each group acts as. A user in several groups acts as the first in this order:
# one transaction has one role, and the order puts the role that decides things first.
GROUP_ROLES: dict[str, Role] = {
    OPERATORS: Role.OPERATOR,
    ANNOTATORS: Role.ANNOTATOR,
    QA: Role.QA,
    MONITORING: Role.MONITORING,
}

# group -> {app_label.model: actions}. README's "Who sees what" table says the same (a test compares them), and
# each action on a domain table needs its database role's grant (another test compares those).
GROUP_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    OPERATORS: {
        "approvals.agentapproval": ("view", "change"),
        "approvals.approvaldecision": ("view",),
        "metrics.agentquery": ("view", "change"),
        "metrics.decisionsynceventlog": ("view",),
        # The dashboard's metrics (the lists its tiles link to); the approval queue's are the operators' alone.
        "metrics.agentperformancesnapshot": ("view",),
        "metrics.agentdailymetrics": ("view",),
        "metrics.dataqualityrule": ("view",),
        "metrics.metricsrefresh": ("view",),
        "metrics.approvalqueuestatus": ("view",),
        "metrics.approvalqueuedepth": ("view",),
        # The schedules of the scheduled jobs: operators pause them or change when they run, which may need a
        # new interval or crontab (they are shared rows: changing one would move every task that uses it).
        "django_celery_beat.periodictask": ("view", "change"),
        "django_celery_beat.intervalschedule": ("view", "add"),
        "django_celery_beat.crontabschedule": ("view", "add"),
        "retention.retentionpolicy": ("view", "change"),
        "retention.datarun": ("view",),
        "retention.purgerequest": ("view", "add", "change"),
    },
    ANNOTATORS: {
        "feedback.agentfeedback": ("view", "change"),
        "feedback.supportcuratedreply": ("view", "add"),
        "feedback.feedbackannotation": ("view",),
        "feedback.annotationreview": ("view",),
        "feedback.annotationlabel": ("view",),
    },
    QA: {
        "feedback.agentfeedback": ("view",),
        "feedback.supportcuratedreply": ("view",),
        "feedback.feedbackannotation": ("view",),
        "feedback.annotationreview": ("view",),
        "feedback.annotationlabel": ("view",),
        # QA reads training data: it requests exports and downloads them.
        "feedback.trainingexport": ("view", "add"),
        "metrics.agentquery": ("view",),
        "metrics.agentrun": ("view",),
        "metrics.agentqc": ("view",),
        "metrics.agentperformancesnapshot": ("view",),
        "metrics.agentdailymetrics": ("view",),
        "metrics.dataqualityrule": ("view",),
        "metrics.metricsrefresh": ("view",),
    },
    MONITORING: {
        "feedback.agentfeedback": ("view",),
        "metrics.agentquery": ("view",),
        "metrics.fact": ("view",),
        "metrics.decisionsynceventlog": ("view",),
        "metrics.observabilitylog": ("view",),
        "metrics.agentrun": ("view",),
        "metrics.agentqc": ("view",),
        "metrics.dbhealthreport": ("view",),
        "metrics.agentperformancesnapshot": ("view",),
        "metrics.agentdailymetrics": ("view",),
        "metrics.dataqualityrule": ("view",),
        "metrics.metricsrefresh": ("view",),
        "django_celery_beat.periodictask": ("view",),
        "retention.retentionpolicy": ("view",),
        "retention.datarun": ("view",),
        "retention.purgerequest": ("view",),
    },
}


def role_for_user(user) -> Role | None:
    """The database role a console user acts as; None (no access to domain rows) for everyone else.

    Superusers act as the supervisor role (what operators and QA see), never as a bypass.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.SUPERVISOR
    names = set(user.groups.values_list("name", flat=True))
    return next((role for group, role in GROUP_ROLES.items() if group in names), None)


def groups_sync(*, using: str = "default") -> dict[str, Group]:
    """Create the groups if missing and set each one's permissions to exactly GROUP_PERMISSIONS."""
    groups = {}
    for name, grants in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.db_manager(using).get_or_create(name=name)
        wanted = []
        for model_key, actions in grants.items():
            app_label, model = model_key.split(".")
            codenames = [f"{action}_{model}" for action in actions]
            found = list(
                Permission.objects.db_manager(using).filter(content_type__app_label=app_label, codename__in=codenames)
            )
            if len(found) != len(codenames):
                # Permissions appear with their app's migration; an app migrated later syncs again.
                continue
            wanted.extend(found)
        group.permissions.set(wanted)
        groups[name] = group
    return groups


def groups_sync_on_migrate(*, using: str, **kwargs) -> None:
    groups_sync(using=using)

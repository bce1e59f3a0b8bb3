import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db import connection

from demo.accounts import DEMO_ACCOUNTS
from hotdash.groups import GROUP_PERMISSIONS, GROUP_ROLES

README = Path(__file__).resolve().parents[2] / "README.md"

DOMAIN_APPS = ("approvals", "feedback", "metrics", "retention")
# Bookkeeping that services write on the users' behalf and no admin page lists; and views only the API reads:
# the decision telemetry view (the log's own page lists its rows) and the two keyed by (agent, day), which the
# admin cannot list (composite primary keys; their rows are on the Agent daily metrics and Agent runs pages).
INTERNAL = {
    "approvals.approvallease", "feedback.annotationlease", "feedback.annotationrework",
    "metrics.decisionsyncevent", "metrics.agentdailyaccuracy", "metrics.agentkpis",
    # the annotator's skips (read by "next") and the aggregates behind the progress and agreement pages
    "feedback.annotationskip", "feedback.annotationworkdaily", "feedback.annotationqualitydaily",
    "feedback.annotationlabeldaily", "feedback.agreementcoincidence", "feedback.agreementlabel",
    "feedback.agreementpair", "feedback.agreementunit",
    # drafts redacted ahead of exports: the service role's alone
    "feedback.draftredaction",
}
# What each admin action needs from the database (the same checks as hotdash.admin.ConsoleModelAdmin).
PRIVILEGE_SQL = {
    "view": "has_table_privilege(%s, %s, 'SELECT')",
    "add": "has_table_privilege(%s, %s, 'INSERT')",
    "change": "has_any_column_privilege(%s, %s, 'UPDATE')",
    "delete": "has_table_privilege(%s, %s, 'DELETE')",
}


def database_actions(role: str, also: set[str] = frozenset()) -> dict[str, tuple[str, ...]]:
    """{app_label.model: actions} that `role`'s grants allow on the domain tables and on the models in `also`."""
    found = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.app_label not in DOMAIN_APPS and model._meta.label_lower not in also:
                continue
            table = model._meta.db_table
            cursor.execute(
                "SELECT " + ", ".join(PRIVILEGE_SQL.values()), [value for _ in PRIVILEGE_SQL for value in (role, table)]
            )
            allowed = tuple(action for action, ok in zip(PRIVILEGE_SQL, cursor.fetchone(), strict=True) if ok)
            if allowed:
                found[model._meta.label_lower] = allowed
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("group", list(GROUP_ROLES))
def test_a_groups_admin_permissions_match_what_its_database_role_may_do(group):
    # A permission without the grant shows a page the database refuses; a readable table without the view
    # permission is one its users cannot reach in the console. Either way groups.py and the SQL drifted apart.
    # (Grants may go further than the admin: decisions are inserted by the decide service, not an add page.)
    # Django's own tables (the beat schedules) are granted to every console role; domain tables one by one.
    granted = GROUP_PERMISSIONS[group]
    allowed = database_actions(GROUP_ROLES[group].value, also=set(granted))

    refused = {model: sorted(set(actions) - set(allowed.get(model, ()))) for model, actions in granted.items()}
    assert {model: actions for model, actions in refused.items() if actions} == {}
    unreachable = {
        model
        for model, actions in allowed.items()
        if "view" in actions and model not in INTERNAL and model.split(".")[0] in DOMAIN_APPS
    }
    assert unreachable - {model for model, actions in granted.items() if "view" in actions} == set()


# --- README's "Who sees what" ------------------------------------------------------------------------------

PAGE = re.compile(r"(?P<name>.+) \((?P<actions>(?:view|add|change|delete)(?:, (?:view|add|change|delete))*)\)")


def readme_groups() -> dict[str, dict]:
    """The rows of README's group table: {group: {"login", "role", "pages": {app_label.model: actions}}}."""
    lines = README.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| group | demo login | acts as |"))
    models = {model._meta.verbose_name_plural.lower(): model._meta.label_lower for model in admin.site._registry}
    rows = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        group, login, role, pages = (cell.strip() for cell in line.strip("|").split("|"))
        parsed = {}
        for page in pages.split(" · "):
            match = PAGE.fullmatch(page)
            assert match, f"README: {group}: cannot read the page {page!r}"
            assert match["name"].lower() in models, f"README: {group}: no admin page is called {match['name']!r}"
            parsed[models[match["name"].lower()]] = set(match["actions"].split(", "))
        rows[group] = {"login": login.strip("`"), "role": role.strip("`"), "pages": parsed}
    return rows


def test_readmes_group_table_is_what_the_groups_hold():
    table = readme_groups()

    assert set(table) == set(GROUP_PERMISSIONS)
    for group, row in table.items():
        assert row["role"] == GROUP_ROLES[group].value, group
        assert DEMO_ACCOUNTS[row["login"]] == group, group
        assert row["pages"] == {model: set(actions) for model, actions in GROUP_PERMISSIONS[group].items()}, group


@pytest.mark.django_db
@pytest.mark.parametrize("group", list(GROUP_PERMISSIONS))
def test_a_groups_admin_offers_exactly_the_pages_and_actions_readme_lists(client, group):
    # The admin's index offers a page when both the group's permissions and the database role allow it: this is
    # what the group's users can actually do, with the real middleware and role.
    user = User.objects.create_user(f"user-of-{group.lower()}", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)

    response = client.get("/admin/")

    assert response.status_code == 200
    offered = {
        entry["model"]._meta.label_lower: {action for action, ok in entry["perms"].items() if ok}
        for app in response.context["app_list"]
        for entry in app["models"]
    }
    assert offered == readme_groups()[group]["pages"]

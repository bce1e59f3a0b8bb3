import pytest
from django.apps import apps
from django.db import connection

from hotdash.groups import GROUP_PERMISSIONS, GROUP_ROLES

DOMAIN_APPS = ("approvals", "feedback", "metrics", "retention")
# Bookkeeping that services write on the users' behalf and no admin page lists.
INTERNAL = {"approvals.approvallease"}
# What each admin action needs from the database (the same checks as hotdash.admin.ConsoleModelAdmin).
PRIVILEGE_SQL = {
    "view": "has_table_privilege(%s, %s, 'SELECT')",
    "add": "has_table_privilege(%s, %s, 'INSERT')",
    "change": "has_any_column_privilege(%s, %s, 'UPDATE')",
    "delete": "has_table_privilege(%s, %s, 'DELETE')",
}


def database_actions(role: str) -> dict[str, tuple[str, ...]]:
    """{app_label.model: actions} that `role`'s grants allow on the domain tables."""
    found = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.app_label not in DOMAIN_APPS:
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
    granted = {
        model: actions for model, actions in GROUP_PERMISSIONS[group].items() if model.split(".")[0] in DOMAIN_APPS
    }
    allowed = database_actions(GROUP_ROLES[group].value)

    refused = {model: sorted(set(actions) - set(allowed.get(model, ()))) for model, actions in granted.items()}
    assert {model: actions for model, actions in refused.items() if actions} == {}
    unreachable = {model for model, actions in allowed.items() if "view" in actions and model not in INTERNAL}
    assert unreachable - {model for model, actions in granted.items() if "view" in actions} == set()

"""Demo logins: one admin and one user per console group, with passwords kept in the data directory.

Passwords are random per installation (nothing secret lives in the repo) and stored in a file created
0600 (hotdash.files), so running the demo again prints the same working credentials.
"""

import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from hotdash.files import private_file_write
from hotdash.groups import ANNOTATORS, MONITORING, OPERATORS, QA, groups_sync

# username -> group (None: the superuser)
DEMO_ACCOUNTS: dict[str, str | None] = {
    "admin": None,
    "operator": OPERATORS,
    "annotator": ANNOTATORS,
    "qa": QA,
    "monitoring": MONITORING,
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    group: str | None


def _load_passwords(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    return {entry["username"]: entry["password"] for entry in json.loads(path.read_text())}


@transaction.atomic
def demo_accounts_ensure(*, credentials_file: Path) -> list[DemoAccount]:
    """Create the missing demo users and (re)set every demo password to the stored one."""
    groups = groups_sync()
    passwords = _load_passwords(credentials_file)
    accounts = []
    User = get_user_model()
    for username, group in DEMO_ACCOUNTS.items():
        password = passwords.get(username) or secrets.token_urlsafe(12)
        user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@hotdash.local"})
        user.is_staff = True
        user.is_superuser = group is None
        user.set_password(password)
        user.save()
        user.groups.set([groups[group]] if group else [])
        accounts.append(DemoAccount(username=username, password=password, group=group))
    private_file_write(credentials_file, json.dumps([asdict(a) for a in accounts], indent=2))
    return accounts

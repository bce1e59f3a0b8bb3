"""Secret files are private from the first byte: created 0600 and replaced whole, never rewritten in place."""

import json
import os
import stat

import pytest

from demo.accounts import demo_accounts_ensure
from hotdash.files import private_file_write


@pytest.fixture
def open_umask():
    previous = os.umask(0)
    yield
    os.umask(previous)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_private_file_is_0600_whatever_the_umask_and_leaves_no_temporary_file(tmp_path, open_umask):
    target = tmp_path / "keys" / "secret"

    private_file_write(target, "s3cret")
    private_file_write(target, "n3w")

    assert (target.read_text(), mode(target)) == ("n3w", 0o600)
    assert [p.name for p in target.parent.iterdir()] == ["secret"]


@pytest.mark.django_db
def test_demo_logins_never_reach_someone_who_had_the_old_file_open(tmp_path, open_umask, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    credentials = tmp_path / "demo_credentials.json"
    credentials.write_text("[]")
    credentials.chmod(0o644)  # as an older version, or a careless copy, left it

    with credentials.open() as reader:  # anyone could open it while it was 0644
        accounts = demo_accounts_ensure(credentials_file=credentials)
        seen = reader.read()

    assert seen == "[]"
    assert mode(credentials) == 0o600
    assert {entry["username"] for entry in json.loads(credentials.read_text())} == {a.username for a in accounts}

"""API tokens are signed with HOTDASH_JWT_SIGNING_KEY, never SECRET_KEY; no key means no start in production."""

import os
import subprocess
import sys
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.utils import timezone

from hotdash.tokens import access_token_read


def run_with(env_changes: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HOTDASH_JWT_SIGNING_KEY"}
    env.update(env_changes)
    return subprocess.run([sys.executable, "manage.py", *args], env=env, capture_output=True, text=True, timeout=60)


PRINT_KEY = ("shell", "--no-imports", "-c", "from django.conf import settings; print(settings.SIMPLE_JWT['SIGNING_KEY'])")


@pytest.mark.django_db
def test_a_token_signed_with_the_secret_key_is_refused():
    assert settings.SIMPLE_JWT["SIGNING_KEY"] != settings.SECRET_KEY
    now = timezone.now()
    claims = {"token_type": "access", "exp": now + timedelta(minutes=5), "iat": now, "jti": "x", "user_id": "service:x",
              "role": "service"}

    assert access_token_read(jwt.encode(claims, settings.SECRET_KEY, algorithm="HS256")) is None
    assert access_token_read(jwt.encode(claims, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")) is not None


def test_without_debug_and_without_a_key_the_process_refuses_to_start():
    result = run_with({"DJANGO_DEBUG": "0"}, "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured: Set HOTDASH_JWT_SIGNING_KEY to a random string of at least 32 characters" in result.stderr


def test_a_short_key_is_refused():
    result = run_with({"DJANGO_DEBUG": "0", "HOTDASH_JWT_SIGNING_KEY": "secret"}, "check")

    assert result.returncode != 0 and "Set HOTDASH_JWT_SIGNING_KEY" in result.stderr


def test_with_debug_a_key_is_generated_once_per_data_dir_and_kept_private(tmp_path):
    first_dir, second_dir = tmp_path / "one", tmp_path / "two"

    first = run_with({"DJANGO_DEBUG": "1", "HOTDASH_DATA_DIR": str(first_dir)}, *PRINT_KEY)
    again = run_with({"DJANGO_DEBUG": "1", "HOTDASH_DATA_DIR": str(first_dir)}, *PRINT_KEY)
    elsewhere = run_with({"DJANGO_DEBUG": "1", "HOTDASH_DATA_DIR": str(second_dir)}, *PRINT_KEY)

    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(key) >= 64
    assert again.stdout.strip() == key
    assert elsewhere.stdout.strip() not in (key, "")
    kept = first_dir / "jwt_signing_key"
    assert kept.read_text().strip() == key
    assert kept.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in first_dir.iterdir()] == ["jwt_signing_key"]  # no temporary file left behind

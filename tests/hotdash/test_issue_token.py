import subprocess
import sys

from rest_framework_simplejwt.tokens import AccessToken


def manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], capture_output=True, text=True, timeout=60)


def test_issue_token_prints_the_bearer_token_and_nothing_else():
    result = manage("issue_token", "--role", "tenant", "--project", "occ", "--scope", "ops", "--ttl", "600")

    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    token = AccessToken(result.stdout.strip())
    assert (token["role"], token["project"], token["scope"], "conversation" in token) == ("tenant", "occ", "ops", False)
    assert 590 <= token["exp"] - token["iat"] <= 600


def test_issue_token_refuses_bad_requests_with_one_readable_line():
    cases = {
        ("--role", "tenant"): "a tenant token needs at least one of project, scope or conversation",
        ("--role", "ingest", "--ttl", "0"): "ttl must be between 1 and 31536000 seconds, not 0",
        ("--role", "service"): "role 'service' is for scheduled jobs and commands and gets no API token; the agent"
        " platform uses 'ingest' (a machine token takes one of ingest, tenant, monitoring, ai_readonly)",
        ("--role", "operator"): "role 'operator' is for console users; a machine token takes one of ingest, tenant,"
        " monitoring, ai_readonly",
    }
    for args, message in cases.items():
        result = manage("issue_token", *args)
        assert result.returncode != 0
        assert result.stdout == ""
        assert result.stderr.strip() == f"CommandError: {message}"

    unknown = manage("issue_token", "--role", "root")
    assert unknown.returncode != 0 and "invalid choice: 'root'" in unknown.stderr

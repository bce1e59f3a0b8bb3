"""The whole API, fuzzed from its own OpenAPI schema over real HTTP, as every machine role and one console role.

schemathesis reads /api/schema/ from the live test server and generates requests for every operation it lists,
so an endpoint is fuzzed the day it is added. Every response must pass `--checks all` (no 5xx, status codes,
content types, headers and bodies as the schema says, invalid data refused, valid data accepted, auth enforced)
and tests/fuzz/checks.py (every 4xx is a JSON object naming the problem).

HOTDASH_FUZZ_EXAMPLES scales the examples per operation and role and HOTDASH_FUZZ_PHASES picks schemathesis'
phases (`make fuzz` sets both high); the defaults keep this test inside `make test`'s time. docs/fuzzing.md.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.contrib.auth.models import Group

from hotdash.db_context import Role, acting_as
from hotdash.tokens import MACHINE_ROLES, machine_token_issue
from metrics.services import fact_create
from tests.api_client import Api

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = int(os.environ.get("HOTDASH_FUZZ_EXAMPLES", "10"))
# The coverage phase (boundary values of every parameter, hundreds of cases per operation whatever EXAMPLES
# says) runs under `make fuzz`; `make test` keeps to examples and random fuzzing.
PHASES = os.environ.get("HOTDASH_FUZZ_PHASES", "examples,fuzzing")
# How long one role's run may take: a bound against a hung run, not a target. make test's size takes about 45 s
# on a quiet machine; a long `make fuzz` on a loaded one can take many times its quiet time.
TIMEOUT = int(os.environ.get("HOTDASH_FUZZ_TIMEOUT", str(max(900, 60 * EXAMPLES))))
# The console role fuzzed through a user's login; machine roles come from hotdash.tokens.MACHINE_ROLES.
CONSOLE_GROUP = "Operators"
# A tenant token needs a tenant: the project the seeded facts belong to.
FUZZ_PROJECT = "fuzz"
REPO = Path(__file__).resolve().parents[2]


def machine_token(role: Role) -> str:
    claims = {"project": FUZZ_PROJECT} if role is Role.TENANT else {}
    return machine_token_issue(role=role, client="fuzz", **claims)


@pytest.fixture
def identities(live_server, django_user_model, settings) -> dict[str, str]:
    """A bearer token for each role the API serves: every machine role, and one console user's."""
    # Every generated login hashes a password; the production hasher would make that most of the run's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The fuzzer sends thousands of requests a minute: the metrics API's per-minute rate limits (tested in
    # tests/metrics/test_api_metrics.py) would answer most of them 429 instead of judging the input.
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, **dict.fromkeys(("api-anon", "api-user", "api-machine"), "1000000/minute")},
    }
    tokens = {role.short: machine_token(role) for role in MACHINE_ROLES}
    user = django_user_model.objects.create_user("fuzz-console", password="a-long-password-1")
    user.groups.add(Group.objects.get(name=CONSOLE_GROUP))
    pair = Api(live_server.url).post("/auth/token/", {"username": "fuzz-console", "password": "a-long-password-1"})
    tokens[f"console:{CONSOLE_GROUP}"] = pair.json()["access"]
    return tokens


@pytest.fixture
def seeded(db):
    """A few rows, so reads answer with data, not only with empty pages."""
    with acting_as(Role.SERVICE):
        for n in range(3):
            fact_create(project=FUZZ_PROJECT, topic="orders", key=f"k{n}", value={"n": n})


def schemathesis_start(base_url: str, schema: Path, token: str, report: Path) -> subprocess.Popen:
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.fuzz.checks", "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [
            sys.executable, "-m", "schemathesis.cli", "--config-file", str(REPO / "tests" / "fuzz" / "schemathesis.toml"),
            "run", str(schema), "--url", base_url,
            "--checks", "all",
            "--phases", PHASES,
            # The schema's own view describes the API rather than being part of it (an unknown `format` is
            # DRF's 404 in its YAML renderer); every other operation it lists is fuzzed.
            "--exclude-path", "/api/schema/",
            "--max-examples", str(EXAMPLES),
            "--header", f"Authorization: Bearer {token}",
            "--request-timeout", "20",
            "--seed", os.environ.get("HOTDASH_FUZZ_SEED", "14"),
            # No example database kept between runs (.schemathesis/): the seed alone decides the cases.
            "--generation-database", "none",
            "--no-color",
            "--report", "json", "--report-json-path", str(report),
        ],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def test_every_operation_survives_fuzzing_as_every_role(live_server, identities, seeded, tmp_path):
    # The schema as the live server serves it, read once: every operation it lists is fuzzed.
    schema = tmp_path / "openapi.json"
    schema.write_bytes(requests.get(f"{live_server.url}/api/schema/?format=json", timeout=60).content)
    # One schemathesis process per role, all at once: the server's threads answer them side by side.
    runs = {
        name: schemathesis_start(live_server.url, schema, token, tmp_path / f"{name.replace(':', '-')}.json")
        for name, token in identities.items()
    }
    failed = {}
    for name, run in runs.items():
        output, _ = run.communicate(timeout=TIMEOUT)
        summary = output[output.rfind("Test cases:"):].splitlines()[1:2]
        print(f"--- as {name}: {' '.join(summary).strip()}")
        if run.returncode != 0:
            failed[name] = output[-20000:]
    assert not failed, "\n\n".join(f"=== as {name}\n{out}" for name, out in failed.items())

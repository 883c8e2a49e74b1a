"""Real Parley web processes for tests against real servers: uvicorn serving parley.asgi in
production mode, on a free loopback port, reading the test run's own PostgreSQL database.

The database and Redis come from the test run's environment (CI's production pass); the
caller's test must commit what the processes should see (``transaction=True``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# An upper bound on waiting for a process to answer, never an expectation of speed.
START_TIMEOUT = 60.0


def has_real_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def url_with_database(database_url: str, name: str) -> str:
    """The same server and credentials, another database (the test's own)."""
    parts = urlsplit(database_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@dataclass(frozen=True)
class WebProcess:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def web_env(data_dir: Path, *, channel_prefix: str | None = None) -> dict[str, str]:
    """Production mode, as a deployment behind a proxy runs each web process: the test run's
    database server (its test database) and Redis, a real secret key, no demo."""
    env = dict(os.environ)
    for name in ("DJANGO_DEBUG", "PARLEY_MODE", "SQLITE_PATH"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="parley.settings",
        DATABASE_URL=url_with_database(
            os.environ["DATABASE_URL"], str(connection.settings_dict["NAME"])
        ),
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or uuid.uuid4().hex * 2,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PARLEY_DEMO="0",
        PARLEY_DATA_DIR=str(data_dir),
        LOG_LEVEL="WARNING",
    )
    if channel_prefix is not None:
        env["PARLEY_CHANNEL_PREFIX"] = channel_prefix
    return env


def start_web_process(name: str, env: dict[str, str], log_dir: Path) -> WebProcess:
    port = free_port()
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "parley.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--no-access-log",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return WebProcess(name=name, port=port, process=process, log=log)


def wait_ready(web: WebProcess) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    last = "no answer yet"
    while time.monotonic() < deadline:
        if web.process.poll() is not None:
            pytest.fail(f"web process {web.name} exited:\n{web.output()}")
        try:
            response = httpx.get(f"{web.http}/readyz", timeout=2, trust_env=False)
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.2)
    pytest.fail(f"web process {web.name} not ready ({last}):\n{web.output()}")


def stop(web: WebProcess) -> None:
    if web.process.poll() is None:
        web.process.terminate()
        try:
            web.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            web.process.kill()
            web.process.wait(timeout=10)

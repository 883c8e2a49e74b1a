"""`/readyz` on a real, long-running web process after PostgreSQL drops its connections.

A database restart, a failover or a pooler's idle timeout closes the server side of every
connection. The database answers again at once, so readiness must say so: a process that kept
reporting 503 would be taken out of rotation by its load balancer for good.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.db import connection

from tests.scale.servers import WebProcess, has_real_postgres, start_web_process, stop, wait_ready
from tests.scale.servers import web_env as production_env

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not has_real_postgres(), reason="needs a PostgreSQL DATABASE_URL"),
]


# The web process's connections carry this name (libpq reads PGAPPNAME), so the test ends only
# them: the test process's own pooled connections belong to the tests that run after this one.
APP_NAME = "parley-readyz-recovery"


@pytest.fixture
def web_process(transactional_db: None, tmp_path: Path) -> Iterator[WebProcess]:
    env = {**production_env(tmp_path / "data"), "PGAPPNAME": APP_NAME}
    web = start_web_process("web", env, tmp_path)
    try:
        wait_ready(web)
        yield web
    finally:
        stop(web)


def drop_web_process_connections() -> int:
    """What a database restart does to every client: their connections end server-side."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            [APP_NAME],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def test_readyz_recovers_when_the_database_drops_its_connections(web_process: WebProcess) -> None:
    def readyz() -> httpx.Response:
        return httpx.get(f"{web_process.http}/readyz", timeout=10, trust_env=False)

    for _ in range(3):
        assert readyz().status_code == 200

    assert drop_web_process_connections() > 0

    # The connection pool replaces the connections the server dropped; that can take a
    # readiness check or two (each gives the database 2 s), not more.
    deadline = time.monotonic() + 15
    response = readyz()
    while response.status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
        response = readyz()
    assert response.status_code == 200, response.text
    # And it stays ready.
    assert readyz().status_code == 200

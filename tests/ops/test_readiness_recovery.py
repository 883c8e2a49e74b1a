"""`/readyz` on a real, long-running web process after PostgreSQL drops its connections.

A database restart, a failover or a pooler's idle timeout closes the server side of every
connection. The database answers again at once, so readiness must say so: a process that kept
reporting 503 would be taken out of rotation by its load balancer for good.
"""

from __future__ import annotations

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


@pytest.fixture
def web_process(transactional_db: None, tmp_path: Path) -> Iterator[WebProcess]:
    web = start_web_process("web", production_env(tmp_path / "data"), tmp_path)
    try:
        wait_ready(web)
        yield web
    finally:
        stop(web)


def drop_other_connections() -> int:
    """What a database restart does to every client: their connections end server-side."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def test_readyz_recovers_when_the_database_drops_its_connections(web_process: WebProcess) -> None:
    def readyz() -> httpx.Response:
        return httpx.get(f"{web_process.http}/readyz", timeout=10, trust_env=False)

    for _ in range(3):
        assert readyz().status_code == 200

    drop_other_connections()

    response = readyz()
    assert response.status_code == 200, response.text

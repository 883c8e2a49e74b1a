"""The connection pool after PostgreSQL ended its connections (a restart, a failover, a
pooler's idle timeout): the next caller gets a working connection, not the dead one."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection

from tests.scale.servers import has_real_postgres

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not has_real_postgres(), reason="needs a PostgreSQL DATABASE_URL"),
]


def backend_pid() -> int:
    """One call as a socket consumer or request makes it: take a connection, hand it back."""
    close_old_connections()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            row = cursor.fetchone()
        assert row is not None
        return int(row[0])
    finally:
        close_old_connections()


def end_every_other_connection() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def test_a_connection_the_server_ended_is_replaced_on_checkout(transactional_db: None) -> None:
    assert getattr(connection, "pool", None) is not None, "production pools its connections"
    with ThreadPoolExecutor(max_workers=1) as thread:
        before = thread.submit(backend_pid).result()
        assert end_every_other_connection() >= 1  # the pooled connection `before` used

        after = thread.submit(backend_pid).result()

    assert after != before

"""`/healthz` and `/readyz` (wire contract v1): liveness, and readiness naming the failing part."""

from __future__ import annotations

import gc
import socket
from collections.abc import Iterator

import pytest
from django.test import Client

from parley.ops import views


@pytest.fixture(autouse=True)
def release_check_connections() -> Iterator[None]:
    """The database check runs in a worker thread whose connection outlives it; under the
    test client that thread is gone after the request, and collecting it closes the connection
    (else PostgreSQL refuses to drop the test database at the end of the run)."""
    yield
    gc.collect()


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that nothing listens on for the test's duration: bound, never listened."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


def test_healthz_answers_without_touching_the_database(client: Client) -> None:
    # No database access is allowed in this test: liveness must not depend on it.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ready_when_database_and_channel_layer_answer(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


@pytest.mark.django_db
def test_readyz_names_the_channel_layer_when_redis_is_unreachable(
    client: Client, settings, closed_port: int
) -> None:
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{closed_port}/0"]},
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert list(body["failing"]) == ["channel_layer"]  # the database still answers


@pytest.mark.django_db
def test_readyz_names_the_database_when_it_does_not_answer(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def database_down() -> None:
        raise ConnectionRefusedError("connection to the database server refused")

    monkeypatch.setattr(views, "_database_answers", database_down)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "failing": {"database": "ConnectionRefusedError"},
    }


@pytest.mark.django_db
def test_readyz_names_both_parts_when_both_fail(
    client: Client, settings, monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    def database_down() -> None:
        raise ConnectionRefusedError("refused")

    monkeypatch.setattr(views, "_database_answers", database_down)
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{closed_port}/0"]},
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert sorted(response.json()["failing"]) == ["channel_layer", "database"]

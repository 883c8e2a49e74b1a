"""The benchmark harness (bench/) cannot rot: a few clients and a few messages through the load
generator, against Parley's embedded server and against the B1 relay, lose and repeat nothing.

Figures are not checked here (a busy CI machine proves nothing about speed); counts are.
The embedded server runs in both CI passes: it is started without DATABASE_URL and REDIS_URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.load.generator import run_load
from bench.load.plan import Account, Plan, Step, Target
from bench.servers import RelayServer
from tests.e2e.conftest import DEMO_PASSWORD, LiveServer, start_server

PLAN = Plan(
    visitors=4,
    agents=2,
    processes=2,
    warmup_rate=8.0,
    steps=(Step(rate=8.0, seconds=1.0),),
    drain_seconds=2.0,
    ping_seconds=0.5,
    connect_timeout=60.0,
)


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[LiveServer]:
    server = start_server(tmp_path)
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


def assert_nothing_lost_nor_repeated(result: dict[str, Any]) -> None:
    assert result["crashed"] == []
    assert result["provisioning_failures"] == 0, result["provisioning_errors"]
    assert result["agents_welcomed"] == PLAN.agents
    # Every visitor opened a conversation, then the step sent 8 more, all acked.
    assert result["sent"] == PLAN.visitors + 8
    assert result["acked"] == result["sent"]
    # Each message reaches every agent of its inbox exactly once.
    assert result["deliveries_expected"] == result["sent"] * PLAN.agents
    assert result["deliveries"] == result["deliveries_expected"]
    assert result["lost_deliveries"] == 0
    assert result["duplicates"] == 0
    assert result["delivery_ms"]["count"] == 8 * PLAN.agents


def test_the_generator_against_the_embedded_server_loses_nothing(embedded: LiveServer) -> None:
    demo_agents = ("agent1@demo.parley.test", "agent2@demo.parley.test")
    target = Target(
        name="parley",
        kind="parley",
        http=embedded.url,
        inboxes=("demo",),
        agents=tuple(Account(email, DEMO_PASSWORD, 0) for email in demo_agents),
        origin=embedded.url,  # the demo inbox allows the server's own origin
    )

    result = run_load(PLAN, target)

    assert_nothing_lost_nor_repeated(result)


def test_the_generator_against_the_raw_relay_loses_nothing() -> None:
    relay = RelayServer(name="b1", durable=False, inboxes=1, agents=PLAN.agents)
    relay.start()
    try:
        result = run_load(PLAN, relay.target())
    finally:
        relay.stop()

    assert_nothing_lost_nor_repeated(result)

"""The KPI and leaderboard API: periods in the workspace's time zone, roles, isolation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.analytics.history import generate
from tests.conftest import World, client_for
from tests.quality.builders import handled_conversation, rate

KPIS = "/api/v1/workspaces/{slug}/analytics/kpis/"
BOARD = "/api/v1/workspaces/{slug}/analytics/leaderboard/"
PERIOD = {"from": "2026-10-01", "to": "2026-10-14"}
START = datetime(2026, 10, 1, tzinfo=UTC)


def test_supervisors_see_every_agent_row(world: World) -> None:
    generate(world, start=START, days=14, seed=5)
    response = client_for(world.supervisor).get(KPIS.format(slug=world.workspace.slug), PERIOD)
    assert response.status_code == 200
    body = response.json()
    assert body["from"] == "2026-10-01" and body["to"] == "2026-10-14" and body["by"] == "member"
    ids = {row["id"] for row in body["rows"]}
    assert {world.agent.pk, world.other_agent.pk} <= ids
    row = next(r for r in body["rows"] if r["id"] == world.agent.pk)
    assert set(row) >= {
        "name",
        "handled",
        "resolved",
        "resolution_rate",
        "first_response",
        "handling",
        "csat",
        "qa",
        "sla",
    }
    assert set(row["first_response"]) == {"median_seconds", "mean_seconds", "count"}
    assert set(row["csat"]) == {"average", "responses", "satisfied", "satisfied_percent"}


def test_an_agent_sees_only_their_own_row(world: World) -> None:
    generate(world, start=START, days=14, seed=5)
    body = client_for(world.agent).get(KPIS.format(slug=world.workspace.slug), PERIOD).json()
    assert [row["id"] for row in body["rows"]] == [world.agent.pk]


def test_team_figures_are_for_supervisors(world: World) -> None:
    url = KPIS.format(slug=world.workspace.slug)
    assert client_for(world.agent).get(url, {**PERIOD, "by": "team"}).status_code == 403
    teams = client_for(world.admin).get(url, {**PERIOD, "by": "team"}).json()["rows"]
    assert [row["name"] for row in teams] == ["Technical support"]


def test_the_period_is_whole_days_in_the_workspace_time_zone(world: World) -> None:
    # given: Shanghai is UTC+8, so 1 Oct 16:30 UTC is already 2 Oct there
    world.workspace.timezone = "Asia/Shanghai"
    world.workspace.save()
    for at in (
        datetime(2026, 10, 1, 15, 30, tzinfo=UTC),
        datetime(2026, 10, 1, 16, 30, tzinfo=UTC),
    ):
        handled_conversation(inbox=world.inbox, agent=world.agent, assigned_at=at)
    url = KPIS.format(slug=world.workspace.slug)
    # when / then
    one = client_for(world.admin).get(url, {"from": "2026-10-02", "to": "2026-10-02"}).json()
    row = next(r for r in one["rows"] if r["id"] == world.agent.pk)
    assert row["handled"] == 1 and one["timezone"] == "Asia/Shanghai"


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-10-05", "to": "2026-10-01"},
        {"from": "2025-01-01", "to": "2026-10-01"},
        {"from": "yesterday"},
        {"by": "inbox"},
    ],
)
def test_a_bad_period_is_refused(world: World, params: dict[str, str]) -> None:
    response = client_for(world.admin).get(KPIS.format(slug=world.workspace.slug), params)
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_the_default_period_is_the_last_30_days(world: World) -> None:
    body = client_for(world.admin).get(KPIS.format(slug=world.workspace.slug)).json()
    first = datetime.fromisoformat(body["from"])
    last = datetime.fromisoformat(body["to"])
    assert (last - first).days == 29


def test_another_workspace_cannot_read_our_kpis(world: World, other_world: World) -> None:
    generate(world, start=START, days=14, seed=5)
    outsider = client_for(other_world.admin)
    assert outsider.get(KPIS.format(slug=world.workspace.slug), PERIOD).status_code in (403, 404)
    theirs = outsider.get(KPIS.format(slug=other_world.workspace.slug), PERIOD).json()["rows"]
    assert {r["id"] for r in theirs} == {other_world.agent.pk, other_world.other_agent.pk}
    assert all(r["handled"] == 0 and r["csat"]["responses"] == 0 for r in theirs)


def rated(world: World, agent, rating: int) -> None:
    conversation = handled_conversation(
        inbox=world.inbox,
        agent=agent,
        assigned_at=START + timedelta(days=1),
        resolved_after=timedelta(minutes=5),
    )
    rate(conversation, rating)


def test_the_leaderboard_for_supervisors_ranks_everyone(world: World) -> None:
    rated(world, world.agent, 5)
    rated(world, world.other_agent, 3)
    body = (
        client_for(world.supervisor)
        .get(BOARD.format(slug=world.workspace.slug), {**PERIOD, "metric": "csat_average"})
        .json()
    )
    assert body["higher_is_better"] is True and body["ranked"] == 2
    assert [(e["rank"], e["id"], e["value"]) for e in body["entries"]] == [
        (1, world.agent.pk, 5.0),
        (2, world.other_agent.pk, 3.0),
    ]


def test_an_agent_sees_only_their_own_place_on_the_leaderboard(world: World) -> None:
    rated(world, world.agent, 3)
    rated(world, world.other_agent, 5)
    body = (
        client_for(world.agent)
        .get(BOARD.format(slug=world.workspace.slug), {**PERIOD, "metric": "csat_average"})
        .json()
    )
    assert body["ranked"] == 2
    assert body["entries"] == [
        {"rank": 2, "id": world.agent.pk, "name": world.agent.name, "value": 3.0}
    ]


def test_an_unknown_metric_is_refused(world: World) -> None:
    response = client_for(world.admin).get(
        BOARD.format(slug=world.workspace.slug), {"metric": "salary"}
    )
    assert response.status_code == 400


def test_the_kpi_endpoint_takes_a_fixed_number_of_queries(
    world: World, django_assert_num_queries
) -> None:
    generate(world, start=START, days=14, seed=5, agents=6)
    client = client_for(world.admin)
    # the membership, then the seven of kpi_rows
    with django_assert_num_queries(8):
        client.get(KPIS.format(slug=world.workspace.slug), PERIOD)

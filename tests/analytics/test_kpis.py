"""KPIs per agent and team: the grouped queries agree with a direct computation, and their
number does not grow with the number of agents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parley.analytics.kpis import KpiRow, kpi_rows, leaderboard
from parley.tickets.models import CreatedVia, Ticket
from parley.tickets.sla_models import SlaEvent, SlaEventKind, SlaMetric
from tests.analytics.history import expected_kpis, generate
from tests.conftest import World
from tests.factories import MemberFactory
from tests.quality.builders import handled_conversation, rate

START = datetime(2026, 10, 1, tzinfo=UTC)
DAYS = 14
END = START + timedelta(days=DAYS)


def figures(row: KpiRow) -> dict[str, object]:
    return {
        "handled": row.handled,
        "resolved": row.resolved,
        "first_median": row.first_response.median_seconds,
        "first_mean": row.first_response.mean_seconds,
        "handling_median": row.handling.median_seconds,
        "handling_mean": row.handling.mean_seconds,
        "csat_average": row.csat.average,
        "csat_responses": row.csat.responses,
        "csat_satisfied": row.csat.satisfied,
        "qa_average": row.qa.average,
        "qa_reviews": row.qa.reviews,
    }


EMPTY = {
    "handled": 0,
    "resolved": 0,
    "first_median": None,
    "first_mean": None,
    "handling_median": None,
    "handling_mean": None,
    "csat_average": None,
    "csat_responses": 0,
    "csat_satisfied": 0,
    "qa_average": None,
    "qa_reviews": 0,
}


@pytest.mark.parametrize("by", ["member", "team"])
@pytest.mark.parametrize("seed", [7, 8, 9])
def test_kpis_agree_with_a_direct_computation(world: World, by: str, seed: int) -> None:
    # given
    history = generate(world, start=START, days=DAYS, seed=seed, agents=4)
    # when
    rows = kpi_rows(workspace_id=world.workspace.pk, start=START, end=END, by=by)  # type: ignore[arg-type]
    # then
    expected = expected_kpis(history, start=START, end=END, by=by)
    got = {row.id: figures(row) for row in rows}
    for key in set(expected) | set(got):
        assert got.get(key, EMPTY) == expected.get(key, EMPTY), (by, key)
    assert sum(r.handled for r in rows) > 0  # the history is not empty in the period
    assert any(r.csat.responses for r in rows) and any(r.qa.reviews for r in rows)


def test_every_active_agent_has_a_row_even_without_work(world: World) -> None:
    rows = kpi_rows(workspace_id=world.workspace.pk, start=START, end=END, by="member")
    assert {r.id for r in rows} == {world.agent.pk, world.other_agent.pk}
    assert all(r.handled == 0 and r.resolution_rate is None for r in rows)


def test_the_resolution_rate_and_satisfied_share(world: World) -> None:
    at = START + timedelta(days=1)
    for n in range(4):
        c = handled_conversation(
            inbox=world.inbox,
            agent=world.agent,
            assigned_at=at,
            first_response_after=timedelta(seconds=10 * (n + 1)),
            resolved_after=timedelta(minutes=10) if n < 3 else None,
        )
        if n < 3:
            rate(c, [5, 4, 2][n])
    row = next(
        r
        for r in kpi_rows(workspace_id=world.workspace.pk, start=START, end=END, by="member")
        if r.id == world.agent.pk
    )
    assert row.handled == 4 and row.resolved == 3 and row.resolution_rate == 75.0
    assert row.first_response.median_seconds == 25.0 and row.first_response.mean_seconds == 25.0
    assert row.handling.median_seconds == 600.0
    assert row.csat.average == 3.67 and row.csat.satisfied == 2
    assert row.csat.satisfied_percent == 66.7


def test_another_workspace_counts_for_nothing(world: World, other_world: World) -> None:
    generate(other_world, start=START, days=DAYS, seed=3)
    rows = kpi_rows(workspace_id=world.workspace.pk, start=START, end=END, by="member")
    assert all(figures(r) == EMPTY for r in rows)
    assert {r.id for r in rows} == {world.agent.pk, world.other_agent.pk}


@pytest.mark.parametrize("by", ["member", "team"])
def test_the_number_of_queries_does_not_grow_with_agents(
    world: World, django_assert_num_queries, by: str
) -> None:
    # given: a small history, then many more agents with work
    generate(world, start=START, days=DAYS, seed=1)
    # conversation counts, two medians, CSAT, QA, SLA, the names
    with django_assert_num_queries(7):
        kpi_rows(workspace_id=world.workspace.pk, start=START, end=END, by=by)  # type: ignore[arg-type]
    for _ in range(6):
        agent = MemberFactory(workspace=world.workspace)
        handled_conversation(
            inbox=world.inbox,
            agent=agent,
            team=world.agent.teams.get(),
            assigned_at=START + timedelta(hours=3),
            first_response_after=timedelta(seconds=40),
            resolved_after=timedelta(minutes=3),
        )
    with django_assert_num_queries(7):
        rows = kpi_rows(workspace_id=world.workspace.pk, start=START, end=END, by=by)  # type: ignore[arg-type]
    assert len(rows) >= (8 if by == "member" else 2)


def _row(id: int, name: str, **values: float) -> KpiRow:
    from parley.analytics.kpis import CsatStats, DurationStats

    return KpiRow(
        id=id,
        name=name,
        handled=int(values.get("handled", 0)),
        first_response=DurationStats(values.get("frt"), None, 1 if "frt" in values else 0),
        csat=CsatStats(values.get("csat"), 1 if "csat" in values else 0, 0, None),
    )


def test_the_leaderboard_ranks_best_first_with_shared_ranks() -> None:
    rows = [
        _row(1, "Ann", csat=4.5),
        _row(2, "Bo", csat=4.9),
        _row(3, "Cy", csat=4.5),
        _row(4, "Di"),
        _row(5, "Ed", csat=3.0),
    ]
    ranked = leaderboard(rows, metric="csat_average")
    assert [(e.rank, e.row.name) for e in ranked] == [(1, "Bo"), (2, "Ann"), (2, "Cy"), (4, "Ed")]


def test_shorter_times_rank_higher() -> None:
    rows = [_row(1, "Ann", frt=90), _row(2, "Bo", frt=30), _row(3, "Cy", frt=60)]
    ranked = leaderboard(rows, metric="first_response_median")
    assert [e.row.name for e in ranked] == ["Bo", "Cy", "Ann"]


def sla_event(world: World, agent, *, kind: str, at: datetime, team=None) -> None:
    """A ticket whose SLA target was met or breached at ``at`` under ``agent``."""
    conversation = handled_conversation(
        inbox=world.inbox, agent=agent, team=team, assigned_at=at - timedelta(hours=1)
    )
    number = Ticket.objects.filter(workspace=world.workspace).count() + 1
    ticket = Ticket.objects.create(
        conversation=conversation,
        workspace=world.workspace,
        number=number,
        created_via=CreatedVia.CONSOLE,
    )
    SlaEvent.objects.create(
        workspace=world.workspace,
        ticket=ticket,
        metric=SlaMetric.FIRST_RESPONSE,
        kind=kind,
        at=at,
        assignee=agent,
        team=team,
    )


def test_sla_compliance_comes_from_the_sla_events(world: World) -> None:
    # given: the agent met two targets and breached one in the period; the other agent breached
    # one; an event after the period does not count
    team = world.agent.teams.get()
    at = START + timedelta(days=2)
    sla_event(world, world.agent, kind=SlaEventKind.MET, at=at, team=team)
    sla_event(world, world.agent, kind=SlaEventKind.MET, at=at, team=team)
    sla_event(world, world.agent, kind=SlaEventKind.BREACHED, at=at, team=team)
    sla_event(world, world.other_agent, kind=SlaEventKind.BREACHED, at=at)
    sla_event(world, world.other_agent, kind=SlaEventKind.MET, at=END + timedelta(hours=1))
    # when
    rows = {
        r.id: r
        for r in kpi_rows(workspace_id=world.workspace.pk, start=START, end=END, by="member")
    }
    teams = {
        r.id: r for r in kpi_rows(workspace_id=world.workspace.pk, start=START, end=END, by="team")
    }
    # then
    assert (rows[world.agent.pk].sla.met, rows[world.agent.pk].sla.breached) == (2, 1)
    assert rows[world.agent.pk].sla.compliance == 66.7
    assert rows[world.other_agent.pk].sla.compliance == 0.0
    assert teams[team.pk].sla.compliance == 66.7
    ranked = leaderboard(list(rows.values()), metric="sla_compliance")
    assert [e.row.id for e in ranked] == [world.agent.pk, world.other_agent.pk]

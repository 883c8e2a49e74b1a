"""The dashboard API: figures from the rollups equal a direct computation, a fixed number of
queries whatever the size, drill-down to the conversations behind a point, CSV export, roles
and tenant isolation."""

from __future__ import annotations

import csv
import io
import statistics
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parley.accounts.models import Workspace
from parley.analytics.models import EventKind, ReportingEvent
from parley.analytics.rollups import rollups_fill
from tests.analytics.reporting_history import generate_events
from tests.conftest import World, client_for
from tests.factories import ContactFactory, ConversationFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 2, tzinfo=UTC)
QUERY = "?from=2026-11-02&to=2026-11-08"


def url(w: World, tail: str = "dashboard/") -> str:
    return f"/api/v1/workspaces/{w.workspace.slug}/analytics/{tail}"


def seed(workspace: Workspace, *, n: int, seed: int = 1) -> list[ReportingEvent]:
    workspace.timezone = "UTC"
    workspace.save()
    events = generate_events(workspace, start=START, days=7, n=n, seed=seed)
    for e in events:
        e.recorded_at = START + timedelta(days=7)
    ReportingEvent.objects.bulk_create(events)
    rollups_fill(now=START + timedelta(days=7, minutes=1))
    return events


def test_summary_and_breakdowns_equal_a_direct_computation(world: World) -> None:
    events = seed(world.workspace, n=400)
    body = client_for(world.supervisor).get(url(world) + QUERY).json()

    of = {k: [e for e in events if e.kind == k] for k in EventKind.values}
    summary = body["summary"]
    assert summary["volume"] == len(of["created"])
    assert summary["transfers"] == len(of["transferred"])
    assert summary["sla"]["breached"] == len(of["sla_breached"])
    frt = [e.value for e in of["first_response"] if e.value is not None]
    assert summary["first_response"]["mean_seconds"] == pytest.approx(
        statistics.mean(frt), abs=0.01
    )
    # percentiles come from the log histogram: within 5% of the exact value
    exact_p90 = sorted(frt)[int(0.9 * len(frt) + 0.999) - 1]
    assert summary["first_response"]["p90_seconds"] == pytest.approx(exact_p90, rel=0.05)
    ratings = [e.value for e in of["csat"] if e.value is not None]
    assert summary["csat"]["average"] == pytest.approx(statistics.mean(ratings), abs=0.01)
    assert summary["csat"]["satisfied_percent"] == pytest.approx(
        100 * sum(r >= 4 for r in ratings) / len(ratings), abs=0.1
    )
    # the trend has every day; the channel bars add up to the volume
    assert [d["day"] for d in body["trend"]] == [f"2026-11-0{i}" for i in range(2, 9)]
    assert sum(d["volume"] for d in body["trend"]) == summary["volume"]
    assert {r["id"] for r in body["by_channel"]} == {"widget", "email"}
    assert sum(r["volume"] for r in body["by_channel"]) == summary["volume"]
    # the heatmap's cells add up to the volume too
    assert sum(cell[2] for cell in body["heatmap"]) == summary["volume"]


def test_filters_narrow_every_figure(world: World) -> None:
    events = seed(world.workspace, n=300)
    email = [e for e in events if e.channel == "email" and e.kind == EventKind.CREATED]
    body = client_for(world.admin).get(url(world) + QUERY + "&channel=email").json()
    assert body["summary"]["volume"] == len(email)
    agent_id = next(e.member_id for e in events if e.member_id)
    mine = [e for e in events if e.member_id == agent_id and e.kind == EventKind.CREATED]
    body = client_for(world.admin).get(url(world) + QUERY + f"&agent={agent_id}").json()
    assert body["summary"]["volume"] == len(mine)


def test_query_budget_does_not_grow_with_history(world: World) -> None:
    seed(world.workspace, n=100)
    client = client_for(world.supervisor)

    with CaptureQueriesContext(connection) as small:
        assert client.get(url(world) + QUERY).status_code == 200
    seed(world.workspace, n=900, seed=2)  # more inboxes, teams, agents and events
    with CaptureQueriesContext(connection) as large:
        assert client.get(url(world) + QUERY).status_code == 200
    assert len(large) == len(small)
    assert len(small) <= 10


def test_drilldown_lists_the_conversations_behind_a_bar(world: World) -> None:
    # given conversations created on two channels
    contact = ContactFactory(workspace=world.workspace)
    conversations = [
        ConversationFactory(inbox=world.inbox, contact=contact, workspace=world.workspace)
        for _ in range(3)
    ]
    now = timezone.now()
    for i, c in enumerate(conversations):
        ReportingEvent.objects.create(
            workspace=world.workspace,
            kind=EventKind.CREATED,
            occurred_at=now - timedelta(hours=i),
            recorded_at=now,
            conversation_id=c.pk,
            inbox_id=world.inbox.pk,
            channel="widget" if i < 2 else "email",
        )
    rollups_fill(now=now + timedelta(seconds=1))
    # when the widget bar of the channel chart is clicked
    response = client_for(world.supervisor).get(
        url(world, "dashboard/drilldown/") + "?kind=created&dimension=channel&key=widget"
    )
    # then its two conversations are listed, newest first
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["conversations"]] == [
        conversations[0].pk,
        conversations[1].pk,
    ]


def test_csv_export_has_a_row_per_day(world: World) -> None:
    events = seed(world.workspace, n=200)
    response = client_for(world.supervisor).get(url(world, "dashboard/export.csv") + QUERY)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 7
    assert sum(int(r["volume"]) for r in rows) == sum(e.kind == "created" for e in events)


def test_agents_are_refused_and_other_workspaces_see_nothing(
    world: World, other_world: World
) -> None:
    seed(world.workspace, n=100)
    for tail in ("dashboard/", "dashboard/export.csv", "dashboard/live/", "alert-rules/"):
        response = client_for(world.agent).get(url(world, tail) + QUERY)
        assert response.status_code == 403, tail
        assert response.json()["code"] == "permission_denied"
    # the other workspace's supervisor sees none of world's figures in theirs
    theirs = client_for(other_world.supervisor).get(url(other_world) + QUERY).json()
    assert theirs["summary"]["volume"] == 0
    # and cannot read world's dashboard
    assert client_for(other_world.supervisor).get(url(world) + QUERY).status_code in (403, 404)


def test_bad_filters_are_refused(world: World) -> None:
    client = client_for(world.supervisor)
    for query in ("?from=2026-11-09&to=2026-11-01", "?channel=fax", "?inbox=abc"):
        response = client.get(url(world) + query)
        assert response.status_code == 400, query
    assert client.get(url(world, "dashboard/drilldown/")).status_code == 400  # kind missing


def test_live_tiles_read_the_queue_now(world: World) -> None:
    now = timezone.now()
    ConversationFactory(
        inbox=world.inbox, workspace=world.workspace, queued_at=now - timedelta(minutes=3)
    )
    ConversationFactory(inbox=world.inbox, workspace=world.workspace, queued_at=now)
    body = client_for(world.supervisor).get(url(world, "dashboard/live/")).json()
    assert body["queue_length"] == 2
    assert 170 <= body["longest_wait_seconds"] <= 200
    assert body["agents_online"] == 0


def test_drilldown_costs_the_same_queries_for_few_and_many_conversations(world: World) -> None:
    now = timezone.now()
    client = client_for(world.supervisor)

    def add(n: int) -> None:
        for _ in range(n):
            c = ConversationFactory(inbox=world.inbox, workspace=world.workspace)
            ReportingEvent.objects.create(
                workspace=world.workspace, kind=EventKind.CREATED, occurred_at=now,
                recorded_at=now, conversation_id=c.pk, inbox_id=world.inbox.pk, channel="widget",
            )  # fmt: skip

    drill = url(world, "dashboard/drilldown/") + "?kind=created"
    add(2)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(drill).json()["conversations"]) == 2
    add(20)
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(drill).json()["conversations"]) == 22
    assert len(large) == len(small)

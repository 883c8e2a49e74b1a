"""The mining API: it reads the latest snapshot (never the live tables), filters rules by the
user's thresholds, plans staffing with Erlang C for the user's target, recomputes on request
(audited, throttled); bad input is a 400 with a code and changes nothing; one tenant never sees
another's results."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from parley.accounts.models import AuditEvent
from parley.analytics.insights.services import mining_snapshot_compute
from parley.analytics.mining.erlang import ServiceTarget, agents_needed
from parley.analytics.models import MiningKind, MiningSnapshot
from tests.analytics.insights.builders import labelled, volume_history
from tests.conftest import World, client_for

BASE = "/api/v1/workspaces/{slug}/analytics/mining/"


def url(world: World, path: str) -> str:
    return BASE.format(slug=world.workspace.slug) + path


def with_rules(world: World) -> MiningSnapshot:
    now = timezone.now()
    at = now - timedelta(days=1)
    for _ in range(8):
        labelled(world, at=at, topic="refund", intent="refund_request")
    for _ in range(2):
        labelled(world, at=at, topic="delivery", intent="refund_request")
    for _ in range(2):
        labelled(world, at=at, topic="refund")
    for _ in range(8):
        labelled(world, at=at, topic="delivery")
    return mining_snapshot_compute(workspace=world.workspace, kind=MiningKind.RULES, now=now)


def with_forecast(world: World) -> MiningSnapshot:
    now = timezone.now()
    volume_history(world, first_day=now.date() - timedelta(days=28), days=28)
    return mining_snapshot_compute(workspace=world.workspace, kind=MiningKind.FORECAST, now=now)


def test_before_any_computation_the_pages_say_so(world: World) -> None:
    client = client_for(world.supervisor)
    for path in ("topics/", "rules/", "forecast/", "day-shapes/"):
        body = client.get(url(world, path)).json()
        assert body["status"] == "not_computed" and body["computed_at"] is None
        assert body["result"] is None


def test_rules_are_filtered_by_thresholds_and_item_kinds(world: World) -> None:
    with_rules(world)
    client = client_for(world.supervisor)

    body = client.get(
        url(world, "rules/"), {"min_support": 0.3, "min_confidence": 0.7, "min_lift": 1.2}
    ).json()

    assert body["status"] == "ok" and body["result"]["conversations"] == 20
    assert "rules" not in body["result"]  # the summary only; the rows come filtered
    figures = {"support": 0.4, "confidence": 0.8, "lift": 1.6, "count": 8}
    assert body["rules"] == [  # both ways round: 8 of the 10 of either side have the other
        {"antecedent": ["intent:refund_request"], "consequent": ["topic:refund"], **figures},
        {"antecedent": ["topic:refund"], "consequent": ["intent:refund_request"], **figures},
    ]
    assert body["matched"] == 2
    # below the floor the rules were stored down to (2 of 20 here), the floor applies
    low = client.get(url(world, "rules/"), {"min_support": "0.001", "min_lift": "0"}).json()
    assert low["applied"]["min_support"] == 0.1
    assert low["rules"] and all(r["support"] >= 0.1 for r in low["rules"])
    only_topics = client.get(url(world, "rules/"), {"kinds": "topic", "min_lift": "0"}).json()
    assert only_topics["rules"] == []  # a conversation has one topic: no topic → topic rule
    by_support = client.get(
        url(world, "rules/"), {"min_support": "0.1", "min_lift": "0", "sort": "support"}
    ).json()["rules"]
    assert [r["support"] for r in by_support] == sorted(
        (r["support"] for r in by_support), reverse=True
    )
    assert by_support and all(r["support"] >= 0.1 for r in by_support)


@pytest.mark.parametrize(
    "query",
    [
        {"min_support": "lots"},
        {"min_support": 1.5},
        {"min_confidence": -0.1},
        {"kinds": "tag,weather"},
        {"sort": "name"},
        {"limit": 0},
    ],
)
def test_bad_rule_filters_are_refused_with_a_code(world: World, query: dict[str, Any]) -> None:
    with_rules(world)
    response = client_for(world.supervisor).get(url(world, "rules/"), query)
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_the_forecast_comes_with_an_erlang_c_staffing_plan(world: World) -> None:
    snapshot = with_forecast(world)
    client = client_for(world.supervisor)

    body = client.get(
        url(world, "forecast/"),
        {"days": 2, "service_level": 0.8, "answer_seconds": 20, "handle_seconds": 360},
    ).json()

    result = body["result"]
    assert len(result["starts"]) == len(result["mean"]) == len(result["upper"]) == 48
    assert result["backtest"]["naive_mae"] > 0
    staffing = result["staffing"]
    target = ServiceTarget(level=0.8, answer_seconds=20)
    expected = [
        agents_needed(arrivals=m, handle_seconds=360, interval_seconds=3600, target=target)
        for m in snapshot.result["mean"][:48]
    ]
    assert staffing["agents"] == expected and staffing["peak_agents"] == max(expected)
    assert staffing["handle_seconds"] == 360 and staffing["handle_observed"] is False
    # a published point: 10 Erlangs (100 arrivals of 360 s in an hour), 80% in 20 s → 14 agents
    ten_erlangs = {"arrivals": 100, "handle_seconds": 360, "interval_seconds": 3600}
    assert agents_needed(**ten_erlangs, target=target) == 14
    # chat: three at a time needs a third of the agents (rounded up)
    chat = client.get(
        url(world, "forecast/"), {"days": 2, "handle_seconds": 360, "concurrency": 3}
    ).json()["result"]["staffing"]["agents"]
    assert chat == [-(-a // 3) for a in expected]
    stricter = client.get(
        url(world, "forecast/"), {"days": 2, "handle_seconds": 360, "service_level": 0.95}
    ).json()["result"]["staffing"]["agents"]
    assert all(s >= a for s, a in zip(stricter, expected, strict=True)) and stricter != expected


@pytest.mark.parametrize(
    "query",
    [{"days": 0}, {"days": 15}, {"service_level": 1}, {"concurrency": 0}, {"handle_seconds": -5}],
)
def test_bad_staffing_settings_are_refused(world: World, query: dict[str, Any]) -> None:
    with_forecast(world)
    response = client_for(world.supervisor).get(url(world, "forecast/"), query)
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_recompute_now_stores_snapshots_and_is_audited(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.admin)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(
            url(world, "refresh/"), {"kinds": ["rules", "forecast"]}, format="json"
        )

    assert response.status_code == 202 and len(queued) == 1  # computed after commit
    assert response.json()["kinds"] == ["forecast", "rules"]
    stored = MiningSnapshot.objects.filter(workspace=world.workspace)
    assert sorted(stored.values_list("kind", flat=True)) == ["forecast", "rules"]
    audit = AuditEvent.objects.get(workspace=world.workspace, action="mining.refreshed")
    assert audit.actor == world.admin and audit.data == {"kinds": ["forecast", "rules"]}
    # again at once: throttled, nothing computed or recorded
    again = client.post(url(world, "refresh/"), {"kinds": ["rules"]}, format="json")
    assert again.status_code == 429 and again.json()["code"] == "throttled"
    assert stored.count() == 2
    assert AuditEvent.objects.filter(action="mining.refreshed").count() == 1


@pytest.mark.parametrize("body", [{"kinds": ["weather"]}, {"kinds": []}, {"kinds": "rules"}])
def test_a_bad_refresh_changes_nothing(world: World, body: dict[str, object]) -> None:
    response = client_for(world.admin).post(url(world, "refresh/"), body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert not MiningSnapshot.objects.exists()
    assert not AuditEvent.objects.filter(action="mining.refreshed").exists()


def test_agents_may_not_see_or_recompute_mining(world: World) -> None:
    client = client_for(world.agent)
    assert client.get(url(world, "topics/")).status_code == 403
    assert client.post(url(world, "refresh/"), {}, format="json").status_code == 403
    assert not MiningSnapshot.objects.exists()


def test_one_tenant_never_sees_anothers_results(world: World, other_world: World) -> None:
    with_rules(other_world)
    with_forecast(other_world)
    mine = client_for(world.supervisor)

    assert mine.get(url(world, "rules/")).json()["status"] == "not_computed"
    assert mine.get(url(world, "forecast/")).json()["status"] == "not_computed"
    # the other workspace's URLs are closed to this member
    for path in ("rules/", "forecast/", "topics/", "day-shapes/"):
        assert mine.get(url(other_world, path)).status_code in (403, 404)
    refused = mine.post(url(other_world, "refresh/"), {}, format="json")
    assert refused.status_code in (403, 404)
    assert (
        not MiningSnapshot.objects.filter(workspace=world.workspace).exists()
        and MiningSnapshot.objects.filter(workspace=other_world.workspace).count() == 2
    )

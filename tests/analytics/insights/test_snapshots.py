"""The mining snapshots computed from a workspace's own data, on generated history whose answers
are known: a rule's support/confidence/lift, a seasonal series whose forecast beats seasonal
naive, two day shapes with their peaks, a keyword new this week; the nightly schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parley.analytics.insights.services import (
    mining_refresh_due,
    mining_snapshot_compute,
    mining_snapshots_refresh,
)
from parley.analytics.models import MiningKind, MiningSnapshot
from tests.analytics.insights.builders import (
    PEAKS,
    customer_says,
    evening_rate,
    labelled,
    volume_history,
)
from tests.conftest import World

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday
TODAY = NOW.date()
DAY_AGO = NOW - timedelta(days=1)


def test_a_rule_has_the_support_confidence_and_lift_of_its_baskets(world: World) -> None:
    # given 20 labelled conversations: refund intent with refund topic 8 times, with delivery
    # topic twice; refund topic alone twice; delivery topic alone 8 times
    for _ in range(8):
        labelled(world, at=DAY_AGO, topic="Refund", intent="refund_request")
    for _ in range(2):
        labelled(world, at=DAY_AGO, topic="delivery", intent="refund_request")
    for _ in range(2):
        labelled(world, at=DAY_AGO, topic="refund")
    for _ in range(8):
        labelled(world, at=DAY_AGO, topic="delivery")
    labelled(world, at=DAY_AGO)  # no label: not a transaction

    snapshot = mining_snapshot_compute(workspace=world.workspace, kind=MiningKind.RULES, now=NOW)

    assert snapshot.status == ""
    assert snapshot.result["conversations"] == 20
    assert snapshot.result["items"] == {"intent": 1, "topic": 2}
    rule = next(
        r
        for r in snapshot.result["rules"]
        if r["antecedent"] == ["intent:refund_request"] and r["consequent"] == ["topic:refund"]
    )
    # support 8/20, confidence 8/10, lift 0.8 / (10/20)
    assert rule == {
        "antecedent": ["intent:refund_request"],
        "consequent": ["topic:refund"],
        "support": 0.4,
        "confidence": 0.8,
        "lift": 1.6,
        "count": 8,
    }


def test_the_forecast_beats_seasonal_naive_on_a_seasonal_series(world: World) -> None:
    # given eight weeks of hourly volume around a weekly pattern (weekday 09:00: 12 an hour)
    volume_history(world, first_day=TODAY - timedelta(days=56), days=57)

    snapshot = mining_snapshot_compute(workspace=world.workspace, kind=MiningKind.FORECAST, now=NOW)

    assert snapshot.status == ""
    result = snapshot.result
    assert len(result["starts"]) == 14 * 24 and result["starts"][0] == f"{TODAY}T00:00"
    assert result["history_days"] == 56
    backtest = result["backtest"]
    assert backtest["from"] == str(TODAY - timedelta(days=7))
    assert backtest["mae"] < backtest["naive_mae"] and backtest["improvement"] > 0.1
    # next Monday (day 5 of the forecast): its day total and its peak; Saturday at half
    monday = result["mean"][5 * 24 : 6 * 24]
    saturday = result["mean"][3 * 24 : 4 * 24]
    assert result["starts"][5 * 24 + 9] == f"{TODAY + timedelta(days=5)}T09:00"
    assert sum(monday) == pytest.approx(sum(PEAKS), rel=0.1)
    assert sum(saturday) == pytest.approx(sum(PEAKS) / 2, rel=0.25)  # last 4 Saturdays: 39.75
    assert monday.index(max(monday)) in {9, 10}
    for lower, point, upper in zip(result["lower"], result["point"], result["upper"], strict=True):
        assert lower <= point <= upper
    assert result["upper"][5 * 24 + 9] > result["lower"][5 * 24 + 9]  # a band, not a line
    # today's hours so far are shown next to the forecast, not fitted
    assert result["actual"]["starts"][-1] == f"{TODAY}T11:00"  # the last finished hour


def test_too_little_history_gives_a_status_not_an_error(world: World) -> None:
    volume_history(world, first_day=TODAY - timedelta(days=5), days=5)

    snapshots = mining_snapshots_refresh(workspace=world.workspace, now=NOW)

    assert {s.kind: s.status for s in snapshots} == {
        "topics": "not_enough_data",
        "rules": "not_enough_data",
        "forecast": "not_enough_data",
        "day_shapes": "not_enough_data",
    }


def test_day_shapes_find_the_weekday_and_the_weekend_profile(world: World) -> None:
    # given weekdays with a 09:00-10:00 peak and weekends with one evening peak at 20:00
    volume_history(world, first_day=TODAY - timedelta(days=42), days=42, rate=evening_rate)

    snapshot = mining_snapshot_compute(
        workspace=world.workspace, kind=MiningKind.DAY_SHAPES, now=NOW
    )

    assert snapshot.status == ""
    shapes = snapshot.result["shapes"]
    assert len(shapes) == 2
    weekday, weekend = shapes  # largest first: 30 weekdays, 12 weekend days
    assert weekday["days"] == 30 and set(weekday["weekdays"]) == {"0", "1", "2", "3", "4"}
    assert weekday["peak_hours"][0] in {"09:00", "10:00"}
    assert weekend["days"] == 12 and set(weekend["weekdays"]) == {"5", "6"}
    assert weekend["peak_hours"][0] == "20:00"
    assert snapshot.result["slots"][0] == "00:00" and len(weekday["profile"]) == 24
    assert sum(weekday["profile"]) == pytest.approx(1, abs=1e-3)


def test_keywords_topics_and_what_is_new_this_week(world: World) -> None:
    texts = []
    for day in range(28):
        at = NOW - timedelta(days=day, hours=1)
        texts.append(("申请退款以后多久能到账", at))
        texts.append(("我的快递一直没有收到，物流不更新", at))
    for hour in range(6):  # only this week: coupons
        texts.append(("优惠券无法使用，结算时提示过期", NOW - timedelta(days=1, hours=hour)))
    made = customer_says(world, texts)

    snapshot = mining_snapshot_compute(workspace=world.workspace, kind=MiningKind.TOPICS, now=NOW)

    assert snapshot.status == ""
    result = snapshot.result
    assert result["messages"] == 62 and len(result["days"]) == 28
    this_week = result["periods"][0]
    assert this_week["to"] == str(TODAY) and this_week["messages"] == 20
    assert "优惠券" in [k["word"] for k in this_week["keywords"]]
    assert "优惠券" not in [k["word"] for k in result["periods"][1]["keywords"]]
    rising = {row["word"]: row for row in result["new_this_week"]["keywords"]}
    assert rising["优惠券"]["new"] is True and rising["优惠券"]["this_week"] == 6
    assert "退款" not in rising  # as common as before
    words = [[w for w, _ in topic["words"]] for topic in result["topics"]]
    assert any("退款" in w for w in words) and any("快递" in w for w in words)
    ids = {c.pk for c in made}
    for topic in result["topics"]:
        assert sum(topic["trend"]) == topic["messages"]
        assert {e["conversation"] for e in topic["examples"]} <= ids


def test_other_workspaces_data_never_enters_a_snapshot(world: World, other_world: World) -> None:
    for _ in range(12):
        labelled(other_world, at=DAY_AGO, topic="refund", intent="refund_request")
    volume_history(other_world, first_day=TODAY - timedelta(days=56), days=57)

    snapshots = mining_snapshots_refresh(workspace=world.workspace, now=NOW)

    assert all(s.status == "not_enough_data" for s in snapshots)
    assert not MiningSnapshot.objects.filter(workspace=other_world.workspace).exists()


def test_the_nightly_job_computes_once_per_local_night(world: World) -> None:
    world.workspace.timezone = "Asia/Shanghai"  # 02:00 there is 18:00 UTC the day before
    world.workspace.save()
    at = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)  # 03:00 in Shanghai

    assert mining_refresh_due(now=at) >= 1
    stored = MiningSnapshot.objects.filter(workspace=world.workspace)
    kinds = set(stored.values_list("kind", flat=True))
    assert kinds == set(MiningKind.values)
    assert mining_refresh_due(now=at + timedelta(hours=1)) == 0  # nothing due before next 02:00
    assert mining_refresh_due(now=at + timedelta(hours=22, minutes=59)) == 0  # 01:59 there
    assert mining_refresh_due(now=at + timedelta(hours=23)) >= 1  # 02:00 the next night
    assert MiningSnapshot.objects.filter(workspace=world.workspace, kind="rules").count() == 2


def test_old_snapshots_are_pruned(world: World) -> None:
    for hours in range(5):
        mining_snapshot_compute(
            workspace=world.workspace, kind=MiningKind.RULES, now=NOW + timedelta(hours=hours)
        )
    kept = MiningSnapshot.objects.filter(workspace=world.workspace, kind=MiningKind.RULES)
    assert sorted(s.computed_at.hour for s in kept) == [14, 15, 16]

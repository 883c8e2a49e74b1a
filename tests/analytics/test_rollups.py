"""The incremental rollup job against a direct computation on generated history: two
workspaces in two time zones (one crossing a DST change, one with a half-hour offset), several
agents, teams, inboxes and channels, and events arriving late and out of order."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from parley.analytics.models import DailyRollup, EventKind, FillState, HourlyRollup, ReportingEvent
from parley.analytics.rollups import OVERLAP, local_hour, rollups_fill, rollups_rebuild
from tests.analytics.reporting_history import Expected, Key, direct, generate_events
from tests.conftest import World

pytestmark = pytest.mark.django_db

START = datetime(2026, 10, 28, tzinfo=UTC)  # New York leaves DST on 1 November 2026
DAYS = 10


def stored(workspace_id: int, *, hourly: bool) -> dict[Key, Expected]:
    model = HourlyRollup if hourly else DailyRollup
    bucket = "hour" if hourly else "day"
    rows = model.objects.filter(workspace_id=workspace_id).values_list(
        bucket, "kind", "inbox_id", "team_id", "member_id", "channel",
        "count", "value_count", "value_sum", "hist",
    )  # fmt: skip
    return {
        (b, kind, inbox, team, member, channel): Expected(
            count=count, value_count=vcount, value_sum=round(vsum, 6), hist=hist
        )
        for b, kind, inbox, team, member, channel, count, vcount, vsum, hist in rows
    }


def save(events: list[ReportingEvent], recorded_at: datetime) -> None:
    for event in events:
        event.recorded_at = recorded_at
    ReportingEvent.objects.bulk_create(events)


def assert_matches(events: list[ReportingEvent], workspace_id: int, zone: str) -> None:
    for hourly in (True, False):
        expected = direct(events, zone, hourly=hourly)
        got = stored(workspace_id, hourly=hourly)
        assert got.keys() == expected.keys()
        for key, figures in expected.items():
            assert got[key].count == figures.count, key
            assert got[key].value_count == figures.value_count, key
            assert got[key].value_sum == pytest.approx(figures.value_sum, rel=1e-9), key
            assert got[key].hist == figures.hist, key


def test_rollups_equal_a_direct_computation_after_late_and_out_of_order_events(
    world: World, other_world: World
) -> None:
    # given two workspaces in different zones, each with a history of events
    world.workspace.timezone = "America/New_York"
    world.workspace.save()
    other_world.workspace.timezone = "Asia/Kolkata"  # UTC+5:30: local hours start at :30 UTC
    other_world.workspace.save()
    histories = {}
    for seed, w in enumerate((world, other_world)):
        events = generate_events(w.workspace, start=START, days=DAYS, n=600, seed=seed)
        random.Random(seed).shuffle(events)
        on_time, late = events[:420], events[420:]
        histories[w.workspace.pk] = (w.workspace.timezone, on_time, late)
    first_run = START + timedelta(days=DAYS, hours=1)
    for _zone, on_time, _late in histories.values():
        save(on_time, first_run - timedelta(minutes=30))

    # when the job runs, then more events arrive about the past (late, in random order)
    rollups_fill(now=first_run)
    for workspace_id, (zone, on_time, _late) in histories.items():
        assert_matches(on_time, workspace_id, zone)
    second_run = first_run + timedelta(hours=2)
    for _zone, _on_time, late in histories.values():
        save(late, second_run - timedelta(minutes=1))
    rerolled = rollups_fill(now=second_run)

    # then every hour and day equals the direct computation over all events, in its own zone
    assert rerolled > 0
    for workspace_id, (zone, on_time, late) in histories.items():
        assert_matches(on_time + late, workspace_id, zone)
    # and a run with nothing new changes nothing
    before = stored(world.workspace.pk, hourly=False)
    rollups_fill(now=second_run + timedelta(minutes=1))
    assert stored(world.workspace.pk, hourly=False) == before


def test_an_event_committed_after_the_mark_with_an_earlier_timestamp_is_not_lost(
    world: World,
) -> None:
    # given the job ran at T
    t = START + timedelta(days=1)
    rollups_fill(now=t)
    # when a transaction that began before T commits an event stamped just before T
    [event] = generate_events(world.workspace, start=START, days=1, n=1, seed=3)
    save([event], t - OVERLAP / 2)
    rollups_fill(now=t + timedelta(minutes=1))
    # then the next run still rolls it up
    assert DailyRollup.objects.filter(workspace=world.workspace, kind=event.kind).get().count == 1
    assert FillState.objects.get().recorded_until == t + timedelta(minutes=1)


def test_a_day_in_a_zone_is_its_local_hours_across_a_dst_change(world: World) -> None:
    # given New York on the day it leaves DST (25 local hours), one event in each UTC hour
    world.workspace.timezone = "America/New_York"
    world.workspace.save()
    day_start = datetime(2026, 11, 1, 4, tzinfo=UTC)  # midnight EDT
    events = generate_events(world.workspace, start=day_start, days=1, n=0, seed=1)
    inbox_id = world.inbox.pk
    for h in range(25):
        events.append(
            ReportingEvent(
                workspace=world.workspace,
                kind=EventKind.CREATED,
                occurred_at=day_start + timedelta(hours=h, minutes=10),
                inbox_id=inbox_id,
                channel="widget",
            )
        )
    save(events, day_start + timedelta(days=1, hours=1))
    # when rolled up
    rollups_fill(now=day_start + timedelta(days=1, hours=2))
    # then the local 1 November has all 25 hours, and the two 01:00s are two buckets
    day = DailyRollup.objects.get(workspace=world.workspace, day=datetime(2026, 11, 1).date())
    assert day.count == 25
    assert HourlyRollup.objects.filter(workspace=world.workspace).count() == 25
    one_am = [
        h.hour.astimezone(ZoneInfo("America/New_York"))
        for h in HourlyRollup.objects.filter(workspace=world.workspace)
    ]
    assert sum(1 for h in one_am if h.hour == 1) == 2


def test_rebuild_after_a_time_zone_change_buckets_in_the_new_zone(world: World) -> None:
    # given history rolled up in UTC
    events = generate_events(world.workspace, start=START, days=3, n=200, seed=5)
    save(events, START + timedelta(days=3))
    rollups_fill(now=START + timedelta(days=3, minutes=1))
    assert_matches(events, world.workspace.pk, "UTC")
    # when the workspace moves to Shanghai and its rollups are rebuilt
    world.workspace.timezone = "Asia/Shanghai"
    world.workspace.save()
    rollups_rebuild(workspace_id=world.workspace.pk)
    # then they are bucketed in Shanghai's days and hours
    assert_matches(events, world.workspace.pk, "Asia/Shanghai")


def test_local_hour_of_a_half_hour_zone_starts_at_half_past_utc() -> None:

    at = datetime(2026, 11, 2, 10, 45, tzinfo=UTC)  # 16:15 in Kolkata
    assert local_hour(at, ZoneInfo("Asia/Kolkata")) == datetime(2026, 11, 2, 10, 30, tzinfo=UTC)


def test_the_rebuild_command_rebuckets_a_workspace(world: World) -> None:
    from django.core.management import call_command

    events = generate_events(world.workspace, start=START, days=2, n=50, seed=8)
    save(events, START + timedelta(days=2))
    rollups_fill(now=START + timedelta(days=2, minutes=1))
    world.workspace.timezone = "Asia/Kolkata"
    world.workspace.save()
    call_command("analytics", "rebuild-rollups", "--workspace", world.workspace.slug)
    assert_matches(events, world.workspace.pk, "Asia/Kolkata")


def test_the_fill_job_is_listed_every_minute_and_rolls_up(world: World) -> None:
    from parley.analytics.tasks import fill_rollups
    from parley.ops.schedule import PERIODIC_JOBS

    (job,) = [j for j in PERIODIC_JOBS if j.name == "analytics-fill-rollups"]
    assert (job.task, job.every) == ("parley.analytics.tasks.fill_rollups", timedelta(minutes=1))
    events = generate_events(world.workspace, start=START, days=1, n=20, seed=4)
    save(events, START)
    fill_rollups.apply(throw=True)
    assert sum(DailyRollup.objects.values_list("count", flat=True)) == 20

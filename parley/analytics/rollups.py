"""Incremental rollups: reporting events → per-hour and per-day tables per workspace, inbox,
team, member, channel and kind, in the workspace's time zone.

The job reads the events *recorded* since its high-water mark (``FillState``), finds the
buckets they fall into (by *occurred_at*, in the workspace's zone) and re-rolls each of those
buckets whole from the event table: delete its rows, aggregate its events again. Re-rolling
instead of adding makes a run idempotent (a crash between two steps, or a second run, changes
nothing) and handles late events for free: an event recorded today about last Tuesday
re-rolls last Tuesday's hour and day.

The mark lags by ``OVERLAP``: a transaction that started before the mark but committed after
it wrote ``recorded_at`` values below the mark, which a strict "after the mark" scan would
skip forever. Re-reading the last few minutes costs a few re-rolled buckets per run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from parley.accounts.models import Workspace
from parley.analytics.models import DailyRollup, FillState, HourlyRollup, ReportingEvent
from parley.analytics.sketch import bin_of, hist_merge

JOB = "rollups"
OVERLAP = timedelta(minutes=5)
BATCH_BUCKETS = 2000  # hours re-rolled per transaction
MAX_SPAN = timedelta(days=2)  # ... and how far apart the first and last may be

Dims = tuple[str, int | None, int | None, int | None, str]  # kind, inbox, team, member, channel


@dataclass
class Cell:
    count: int = 0
    value_count: int = 0
    value_sum: float = 0.0
    hist: dict[str, int] = field(default_factory=dict)

    def add_value(self, value: float | None) -> None:
        self.count += 1
        if value is not None:
            self.value_count += 1
            self.value_sum += value
            key = str(bin_of(value))
            self.hist[key] = self.hist.get(key, 0) + 1

    def merge(self, other: Cell) -> None:
        self.count += other.count
        self.value_count += other.value_count
        self.value_sum += other.value_sum
        hist_merge(self.hist, other.hist)


def local_hour(at: datetime, zone: ZoneInfo) -> datetime:
    """The start of the local hour ``at`` falls in, as an aware UTC datetime. Works for zones
    with half-hour offsets (the hour starts at :30 UTC) and across DST changes."""
    local = at.astimezone(zone)
    return local.replace(minute=0, second=0, microsecond=0).astimezone(ZoneInfo("UTC"))


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def rollups_fill(*, now: datetime | None = None) -> int:
    """Bring the rollups up to date; returns how many hour buckets were re-rolled."""
    now = now or timezone.now()
    state, _ = FillState.objects.get_or_create(name=JOB)
    since = state.recorded_until - OVERLAP if state.recorded_until else None
    events = ReportingEvent.objects.filter(recorded_at__lte=now)
    if since is not None:
        events = events.filter(recorded_at__gt=since)
    touched = events.values_list("workspace_id", "occurred_at").distinct()
    zones = dict(Workspace.objects.values_list("pk", "timezone"))
    hours: dict[int, set[datetime]] = defaultdict(set)
    for workspace_id, occurred_at in touched.iterator():
        hours[workspace_id].add(local_hour(occurred_at, ZoneInfo(zones.get(workspace_id) or "UTC")))
    rerolled = 0
    for workspace_id, workspace_hours in hours.items():
        zone = ZoneInfo(zones.get(workspace_id) or "UTC")
        for chunk in _chunks(sorted(workspace_hours)):
            reroll(workspace_id=workspace_id, zone=zone, hours=chunk)
            rerolled += len(chunk)
    FillState.objects.filter(pk=state.pk).update(recorded_until=now)
    return rerolled


def rollups_rebuild(*, workspace_id: int) -> int:
    """Re-roll all of a workspace's history, e.g. after its time zone changed."""
    zone = ZoneInfo(Workspace.objects.get(pk=workspace_id).timezone or "UTC")
    HourlyRollup.objects.filter(workspace_id=workspace_id).delete()
    DailyRollup.objects.filter(workspace_id=workspace_id).delete()
    stamps = ReportingEvent.objects.filter(workspace_id=workspace_id).values_list(
        "occurred_at", flat=True
    )
    ordered = sorted({local_hour(at, zone) for at in stamps.iterator()})
    for chunk in _chunks(ordered):
        reroll(workspace_id=workspace_id, zone=zone, hours=chunk)
    return len(ordered)


def _chunks(ordered: list[datetime]) -> list[list[datetime]]:
    """Runs of nearby hours: one late event from months ago must not make a re-roll read every
    event between then and now, and one transaction stays small."""
    chunks: list[list[datetime]] = []
    for hour in ordered:
        if chunks and hour - chunks[-1][0] <= MAX_SPAN and len(chunks[-1]) < BATCH_BUCKETS:
            chunks[-1].append(hour)
        else:
            chunks.append([hour])
    return chunks


@transaction.atomic
def reroll(*, workspace_id: int, zone: ZoneInfo, hours: list[datetime]) -> None:
    """Recompute the given local hours of one workspace, then the local days they are in."""
    if not hours:
        return
    hour_set = set(hours)
    cells: dict[tuple[datetime, Dims], Cell] = defaultdict(Cell)
    rows = ReportingEvent.objects.filter(
        workspace_id=workspace_id,
        occurred_at__gte=min(hours),
        occurred_at__lt=max(hours) + timedelta(hours=1),
    ).values_list("occurred_at", "kind", "inbox_id", "team_id", "member_id", "channel", "value")
    for occurred_at, kind, inbox_id, team_id, member_id, channel, value in rows.iterator():
        hour = local_hour(occurred_at, zone)
        if hour in hour_set:
            cells[(hour, (kind, inbox_id, team_id, member_id, channel))].add_value(value)
    HourlyRollup.objects.filter(workspace_id=workspace_id, hour__in=hours).delete()
    HourlyRollup.objects.bulk_create(
        [
            HourlyRollup(
                workspace_id=workspace_id,
                hour=hour,
                kind=dims[0],
                inbox_id=dims[1],
                team_id=dims[2],
                member_id=dims[3],
                channel=dims[4],
                count=cell.count,
                value_count=cell.value_count,
                value_sum=cell.value_sum,
                hist=cell.hist,
            )
            for (hour, dims), cell in cells.items()
        ],
        batch_size=500,
    )
    _reroll_days(
        workspace_id=workspace_id, zone=zone, days={h.astimezone(zone).date() for h in hours}
    )


def _reroll_days(*, workspace_id: int, zone: ZoneInfo, days: set[date]) -> None:
    """A local day is the sum of its local hours (23 or 25 of them on DST change days)."""
    first, _ = day_bounds(min(days), zone)
    _, last = day_bounds(max(days), zone)
    cells: dict[tuple[date, Dims], Cell] = defaultdict(Cell)
    hourly = HourlyRollup.objects.filter(
        workspace_id=workspace_id, hour__gte=first, hour__lt=last
    ).values_list(
        "hour",
        "kind",
        "inbox_id",
        "team_id",
        "member_id",
        "channel",
        "count",
        "value_count",
        "value_sum",
        "hist",
    )
    for hour, kind, inbox_id, team_id, member_id, channel, count, vcount, vsum, hist in hourly:
        day = hour.astimezone(zone).date()
        if day in days:
            cells[(day, (kind, inbox_id, team_id, member_id, channel))].merge(
                Cell(count=count, value_count=vcount, value_sum=vsum, hist=dict(hist))
            )
    DailyRollup.objects.filter(workspace_id=workspace_id, day__in=days).delete()
    DailyRollup.objects.bulk_create(
        [
            DailyRollup(
                workspace_id=workspace_id,
                day=day,
                kind=dims[0],
                inbox_id=dims[1],
                team_id=dims[2],
                member_id=dims[3],
                channel=dims[4],
                count=cell.count,
                value_count=cell.value_count,
                value_sum=cell.value_sum,
                hist=cell.hist,
            )
            for (day, dims), cell in cells.items()
        ],
        batch_size=500,
    )

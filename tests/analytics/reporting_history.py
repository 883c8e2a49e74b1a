"""A generated stream of reporting events for rollup tests, and the rollups computed from it
directly in Python: what the incremental job must agree with."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from parley.accounts.models import Workspace
from parley.analytics.models import EventKind, ReportingEvent
from parley.analytics.sketch import hist_of
from tests.factories import InboxFactory, MemberFactory, TeamFactory

VALUED = {
    EventKind.FIRST_RESPONSE: (5, 900),
    EventKind.ASSIGNED: (0, 600),
    EventKind.RESOLVED: (60, 20000),
    EventKind.HANDLED: (30, 9000),
    EventKind.CSAT: (1, 5),
}
KINDS = [EventKind.CREATED, EventKind.TRANSFERRED, EventKind.SLA_BREACHED, *VALUED]

Key = tuple[object, str, int | None, int | None, int | None, str]  # bucket, kind, dims


@dataclass
class Expected:
    count: int
    value_count: int
    value_sum: float
    hist: dict[str, int]


def generate_events(
    workspace: Workspace, *, start: datetime, days: int, n: int, seed: int
) -> list[ReportingEvent]:
    """Unsaved events: two inboxes on two channels, three agents, two teams (and none)."""
    rng = random.Random(seed)
    inboxes = [
        InboxFactory(workspace=workspace, kind="widget"),
        InboxFactory(workspace=workspace, kind="email"),
    ]
    teams = [TeamFactory(workspace=workspace).pk for _ in range(2)] + [None]
    members = [MemberFactory(workspace=workspace).pk for _ in range(3)] + [None]
    events = []
    for i in range(n):
        kind = rng.choice(KINDS)
        inbox = rng.choice(inboxes)
        low_high = VALUED.get(kind)
        value = None
        if low_high is not None:
            value = (
                float(rng.randint(*low_high)) if kind == EventKind.CSAT else rng.uniform(*low_high)
            )
        events.append(
            ReportingEvent(
                workspace=workspace,
                kind=kind,
                occurred_at=start + timedelta(seconds=rng.randint(0, days * 86400 - 1)),
                conversation_id=10_000 + i,
                inbox_id=inbox.pk,
                team_id=rng.choice(teams),
                member_id=rng.choice(members),
                channel=inbox.kind,
                value=value,
            )
        )
    return events


def direct(events: list[ReportingEvent], zone_name: str, *, hourly: bool) -> dict[Key, Expected]:
    """Each bucket's figures straight from the events, bucketed in the local zone."""
    zone = ZoneInfo(zone_name)
    values: dict[Key, list[float]] = defaultdict(list)
    counts: dict[Key, int] = defaultdict(int)
    for e in events:
        local = e.occurred_at.astimezone(zone)
        bucket: datetime | date = (
            local.replace(minute=0, second=0, microsecond=0).astimezone(ZoneInfo("UTC"))
            if hourly
            else local.date()
        )
        key: Key = (bucket, e.kind, e.inbox_id, e.team_id, e.member_id, e.channel)
        counts[key] += 1
        if e.value is not None:
            values[key].append(e.value)
    return {
        key: Expected(
            count=count,
            value_count=len(values[key]),
            value_sum=round(sum(values[key]), 6),
            hist=hist_of(values[key]),
        )
        for key, count in counts.items()
    }

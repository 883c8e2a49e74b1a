"""Metric selectors over the rollup tables (never the live message table).

Every figure of a dashboard comes from ``DailyRollup`` (totals, trends, breakdowns) or
``HourlyRollup`` (the weekday × hour heatmap), read in one query each and summed in Python,
so the number of queries does not grow with the period, agents or inboxes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from parley.analytics.models import DailyRollup, EventKind, HourlyRollup
from parley.analytics.period import Period
from parley.analytics.sketch import bin_value, hist_merge, hist_percentile

DIMENSIONS = ("inbox", "team", "member", "channel")


@dataclass(frozen=True)
class Filters:
    workspace_id: int
    period: Period
    timezone: str
    inbox_id: int | None = None
    team_id: int | None = None
    member_id: int | None = None
    channel: str = ""

    def apply(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        rows = rows.filter(workspace_id=self.workspace_id)
        if self.inbox_id is not None:
            rows = rows.filter(inbox_id=self.inbox_id)
        if self.team_id is not None:
            rows = rows.filter(team_id=self.team_id)
        if self.member_id is not None:
            rows = rows.filter(member_id=self.member_id)
        if self.channel:
            rows = rows.filter(channel=self.channel)
        return rows


@dataclass
class Aggregate:
    """One metric summed over rows: counts, the mean of the values and their histogram."""

    count: int = 0
    value_count: int = 0
    value_sum: float = 0.0
    hist: dict[str, int] = field(default_factory=dict)

    def add(self, count: int, value_count: int, value_sum: float, hist: dict[str, int]) -> None:
        self.count += count
        self.value_count += value_count
        self.value_sum += value_sum
        hist_merge(self.hist, hist)

    @property
    def mean(self) -> float | None:
        return round(self.value_sum / self.value_count, 2) if self.value_count else None

    def percentile(self, q: float) -> float | None:
        value = hist_percentile(self.hist, q)
        return round(value, 2) if value is not None else None

    def share_at_least(self, threshold: float) -> float | None:
        """The % of values ≥ threshold (e.g. CSAT ratings of 4 or 5)."""
        total = sum(self.hist.values())
        if not total:
            return None
        hits = sum(n for k, n in self.hist.items() if bin_value(int(k)) >= threshold)
        return round(100 * hits / total, 1)

    def timing(self) -> dict[str, float | int | None]:
        return {
            "count": self.value_count,
            "mean_seconds": self.mean,
            "p50_seconds": self.percentile(50),
            "p90_seconds": self.percentile(90),
        }


Row = tuple[str, date, int | None, int | None, int | None, str, int, int, float, dict[str, int]]


def daily_rows(filters: Filters, kinds: Iterable[str] | None = None) -> list[Row]:
    rows = filters.apply(DailyRollup.objects.all()).filter(
        day__gte=filters.period.first_day, day__lte=filters.period.last_day
    )
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    return list(
        rows.values_list(
            "kind",
            "day",
            "inbox_id",
            "team_id",
            "member_id",
            "channel",
            "count",
            "value_count",
            "value_sum",
            "hist",
        )
    )


def totals(rows: Iterable[Row]) -> dict[str, Aggregate]:
    out: dict[str, Aggregate] = defaultdict(Aggregate)
    for kind, _day, _i, _t, _m, _c, count, vcount, vsum, hist in rows:
        out[kind].add(count, vcount, vsum, hist)
    return out


def by_day(rows: Iterable[Row]) -> dict[date, dict[str, Aggregate]]:
    out: dict[date, dict[str, Aggregate]] = defaultdict(lambda: defaultdict(Aggregate))
    for kind, day, _i, _t, _m, _c, count, vcount, vsum, hist in rows:
        out[day][kind].add(count, vcount, vsum, hist)
    return out


def by_dimension(rows: Iterable[Row], dimension: str) -> dict[object, dict[str, Aggregate]]:
    index = {"inbox": 2, "team": 3, "member": 4, "channel": 5}[dimension]
    out: dict[object, dict[str, Aggregate]] = defaultdict(lambda: defaultdict(Aggregate))
    for row in rows:
        kind, count, vcount, vsum, hist = row[0], row[6], row[7], row[8], row[9]
        out[row[index]][kind].add(count, vcount, vsum, hist)
    return out


def summary_of(agg: dict[str, Aggregate]) -> dict[str, object]:
    """The headline figures of a set of aggregates (a period, a day, an agent)."""
    created = agg.get(EventKind.CREATED, Aggregate()).count
    met = agg.get(EventKind.SLA_MET, Aggregate()).count
    breached = agg.get(EventKind.SLA_BREACHED, Aggregate()).count
    bot_started = agg.get(EventKind.BOT_STARTED, Aggregate()).count
    handovers = agg.get(EventKind.BOT_HANDOVER, Aggregate()).count
    csat = agg.get(EventKind.CSAT, Aggregate())
    return {
        "volume": created,
        "assigned": agg.get(EventKind.ASSIGNED, Aggregate()).count,
        "resolved": agg.get(EventKind.RESOLVED, Aggregate()).count,
        "reopened": agg.get(EventKind.REOPENED, Aggregate()).count,
        "transfers": agg.get(EventKind.TRANSFERRED, Aggregate()).count,
        "abandoned": agg.get(EventKind.ABANDONED, Aggregate()).count,
        "first_response": agg.get(EventKind.FIRST_RESPONSE, Aggregate()).timing(),
        "handle_time": agg.get(EventKind.HANDLED, Aggregate()).timing(),
        "resolution_time": agg.get(EventKind.RESOLVED, Aggregate()).timing(),
        "queue_wait": agg.get(EventKind.ASSIGNED, Aggregate()).timing(),
        "sla": {
            "met": met,
            "breached": breached,
            "warnings": agg.get(EventKind.SLA_WARNING, Aggregate()).count,
            "compliance": round(100 * met / (met + breached), 1) if met + breached else None,
        },
        "csat": {
            "responses": csat.value_count,
            "average": csat.mean,
            "satisfied_percent": csat.share_at_least(3.5),
        },
        "bot": {
            "conversations": bot_started,
            "answers": agg.get(EventKind.BOT_ANSWERED, Aggregate()).count,
            "handovers": handovers,
            "deflection_percent": (
                round(100 * (bot_started - handovers) / bot_started, 1) if bot_started else None
            ),
        },
    }


def heatmap(filters: Filters) -> list[list[int]]:
    """Conversations created per [weekday (0 = Monday), local hour, count]."""
    zone = ZoneInfo(filters.timezone or "UTC")
    rows = (
        filters.apply(HourlyRollup.objects.all())
        .filter(kind=EventKind.CREATED, hour__gte=filters.period.start, hour__lt=filters.period.end)
        .values_list("hour", "count")
    )
    cells: dict[tuple[int, int], int] = defaultdict(int)
    for hour, count in rows:
        local = hour.astimezone(zone)
        cells[(local.weekday(), local.hour)] += count
    return [[wd, h, n] for (wd, h), n in sorted(cells.items())]

"""Reads over the stored mining snapshots: what the pages and the forecast alert show.

Nothing here scans messages or conversations: a page load is one query for the latest snapshot
of its kind, plus what it computes from it (rules filtered by the user's thresholds, the
Erlang C staffing plan for the user's service target).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from parley.analytics.mining.erlang import ServiceTarget, staffing_plan
from parley.analytics.models import MiningKind, MiningSnapshot


def latest_snapshot(*, workspace_id: int, kind: str) -> MiningSnapshot | None:
    return (
        MiningSnapshot.objects.filter(workspace_id=workspace_id, kind=kind)
        .order_by("-computed_at", "-pk")
        .first()
    )


def snapshot_meta(snapshot: MiningSnapshot | None) -> dict[str, Any]:
    if snapshot is None:
        return {"computed_at": None, "duration_ms": None, "status": "not_computed"}
    return {
        "computed_at": snapshot.computed_at.isoformat(),
        "duration_ms": snapshot.duration_ms,
        "status": snapshot.status or "ok",
    }


@dataclass(frozen=True)
class RuleFilters:
    min_support: float
    min_confidence: float
    min_lift: float
    kinds: frozenset[str]  # item kinds every item of a rule must have
    sort: str = "lift"  # support | confidence | lift | count
    limit: int = 200


def _kind(item: str) -> str:
    return item.split(":", 1)[0]


def rules_filtered(*, result: dict[str, Any], filters: RuleFilters) -> tuple[list[Any], int]:
    """The stored rules at or above the thresholds, of the chosen item kinds, sorted by the
    chosen figure (highest first); also how many matched before the limit."""
    rows = [
        row
        for row in result.get("rules", [])
        if row["support"] >= filters.min_support
        and row["confidence"] >= filters.min_confidence
        and row["lift"] >= filters.min_lift
        and all(_kind(i) in filters.kinds for i in row["antecedent"] + row["consequent"])
    ]
    rows.sort(key=lambda row: (-row[filters.sort], -row["lift"], row["antecedent"]))
    return rows[: filters.limit], len(rows)


@dataclass(frozen=True)
class StaffingInput:
    days: int  # 1..14 from the start of the forecast
    target: ServiceTarget
    concurrency: int
    handle_seconds: float | None  # None: the workspace's observed mean


def forecast_with_staffing(*, result: dict[str, Any], staffing: StaffingInput) -> dict[str, Any]:
    """The first ``days`` of the stored forecast and the agents each hour needs."""
    hours = staffing.days * 24
    handle = staffing.handle_seconds or float(result["handle_seconds"])
    mean = result["mean"][:hours]
    agents = staffing_plan(
        mean,
        handle_seconds=handle,
        interval_seconds=60 * int(result["interval_minutes"]),
        target=staffing.target,
        concurrency=staffing.concurrency,
    )
    return {
        **{key: result[key][:hours] for key in ("starts", "mean", "point", "lower", "upper")},
        "interval_minutes": result["interval_minutes"],
        "coverage": result["coverage"],
        "history_from": result["history_from"],
        "history_days": result["history_days"],
        "actual": result["actual"],
        "backtest": result["backtest"],
        "model": result["model"],
        "staffing": {
            "agents": agents,
            "peak_agents": max(agents, default=0),
            "agent_hours": sum(agents),
            "handle_seconds": round(handle, 1),
            "handle_observed": staffing.handle_seconds is None and result["handle_observed"],
            "service_level": staffing.target.level,
            "answer_seconds": staffing.target.answer_seconds,
            "max_occupancy": staffing.target.max_occupancy,
            "concurrency": staffing.concurrency,
        },
    }


def expected_volume(
    *, workspace_id: int, timezone: str, start: datetime, end: datetime
) -> float | None:
    """Conversations the latest forecast expected in [start, end) (hours partly inside count
    pro rata); None when there is no forecast or the window lies outside it. A window only
    partly covered (just after the forecast begins, e.g. soon after midnight) is expected at the
    covered part's rate: comparing a whole window's volume with a part's expectation would
    read as a surge."""
    snapshot = latest_snapshot(workspace_id=workspace_id, kind=MiningKind.FORECAST)
    if snapshot is None or snapshot.status:
        return None
    zone = ZoneInfo(timezone or "UTC")
    step = timedelta(minutes=int(snapshot.result["interval_minutes"]))
    total, covered = 0.0, timedelta(0)
    for start_text, mean in zip(snapshot.result["starts"], snapshot.result["mean"], strict=True):
        slot_start = datetime.fromisoformat(start_text).replace(tzinfo=zone)
        overlap = min(end, slot_start + step) - max(start, slot_start)
        if overlap > timedelta(0):
            total += float(mean) * (overlap / step)
            covered += overlap
    if covered <= timedelta(0):
        return None
    return total * ((end - start) / covered)

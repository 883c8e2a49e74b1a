"""Computing and storing mining snapshots: the nightly job, and a supervisor's "recompute now".

A snapshot is computed from the workspace's own data (parley/analytics/insights/inputs.py) by
the engine (parley/analytics/mining/) and stored whole; the pages only read the latest one.
The nightly job recomputes every workspace whose latest snapshots are older than its last local
02:00, so a restart or a missed run catches up on the next hourly check. Older snapshots are
pruned (the last ``KEEP`` of each kind stay).
"""

from __future__ import annotations

import time as clock
from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max

from parley.accounts.models import Member, Workspace
from parley.accounts.services import audit_record
from parley.analytics.insights import compute, inputs
from parley.analytics.mining.datasets import IntervalSeries
from parley.analytics.models import MiningKind, MiningSnapshot
from parley.errors import ApplicationError, ErrorCode

KEEP = 3
NIGHTLY_AT = time(2, 0)  # local time after which the day's snapshots are due
REFRESH_GAP = timedelta(minutes=1)  # between two "recompute now" of one workspace


def _zone(workspace: Workspace) -> ZoneInfo:
    return ZoneInfo(workspace.timezone or "UTC")


def _topics(workspace: Workspace, now: datetime) -> tuple[dict[str, Any], compute.Result]:
    zone = _zone(workspace)
    today = now.astimezone(zone).date()
    params = {"weeks": compute.WEEKS, "topics": 8}
    first_day = today - timedelta(days=7 * compute.WEEKS - 1)
    messages = inputs.customer_messages(
        workspace_id=workspace.pk,
        zone=zone,
        start=datetime.combine(first_day, time(0), tzinfo=zone),
        end=now,
    )
    return params, compute.topics_result(messages, today=today)


def _rules(workspace: Workspace, now: datetime) -> tuple[dict[str, Any], compute.Result]:
    days = 90
    baskets = inputs.conversation_baskets(
        workspace_id=workspace.pk, start=now - timedelta(days=days), end=now
    )
    return {"days": days}, compute.rules_result(baskets)


def _series_until_today(workspace: Workspace, now: datetime, days: int) -> IntervalSeries:
    zone = _zone(workspace)
    today = now.astimezone(zone).date()
    first = inputs.first_volume_day(workspace_id=workspace.pk, zone=zone) or today
    return inputs.hourly_volume(
        workspace_id=workspace.pk,
        zone=zone,
        first_day=max(first, today - timedelta(days=days)),
        last_day=today,
    )


def _forecast(workspace: Workspace, now: datetime) -> tuple[dict[str, Any], compute.Result]:
    today = now.astimezone(_zone(workspace)).date()
    series = _series_until_today(workspace, now, compute.HISTORY_DAYS)
    handle = inputs.mean_handle_seconds(
        workspace_id=workspace.pk, first_day=today - timedelta(days=28), last_day=today
    )
    params = {"horizon_days": compute.HORIZON_DAYS, "coverage": compute.COVERAGE}
    local_now = now.astimezone(_zone(workspace)).replace(tzinfo=None)
    return params, compute.forecast_result(series, now=local_now, handle_seconds=handle)


def _day_shapes(workspace: Workspace, now: datetime) -> tuple[dict[str, Any], compute.Result]:
    today = now.astimezone(_zone(workspace)).date()
    series = _series_until_today(workspace, now, 12 * 7)
    whole_days = series.subset([s.date() < today for s in series.starts])
    return {"days": 12 * 7}, compute.day_shapes_result(whole_days)


COMPUTE: dict[str, Callable[[Workspace, datetime], tuple[dict[str, Any], compute.Result]]] = {
    MiningKind.TOPICS: _topics,
    MiningKind.RULES: _rules,
    MiningKind.FORECAST: _forecast,
    MiningKind.DAY_SHAPES: _day_shapes,
}


def mining_snapshot_compute(*, workspace: Workspace, kind: str, now: datetime) -> MiningSnapshot:
    """Compute one kind for one workspace and store it (then prune the old ones)."""
    started = clock.perf_counter()
    params, (status, result) = COMPUTE[kind](workspace, now)
    snapshot = MiningSnapshot.objects.create(
        workspace=workspace,
        kind=kind,
        params=params,
        result=result,
        status=status,
        computed_at=now,
        duration_ms=round(1000 * (clock.perf_counter() - started)),
    )
    old = MiningSnapshot.objects.filter(workspace=workspace, kind=kind).order_by(
        "-computed_at", "-pk"
    )[KEEP:]
    MiningSnapshot.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
    return snapshot


def mining_snapshots_refresh(
    *, workspace: Workspace, now: datetime, kinds: Iterable[str] | None = None
) -> list[MiningSnapshot]:
    return [
        mining_snapshot_compute(workspace=workspace, kind=kind, now=now)
        for kind in (kinds or MiningKind.values)
    ]


def _last_nightly(now: datetime, zone: ZoneInfo) -> datetime:
    local = now.astimezone(zone)
    at = datetime.combine(local.date(), NIGHTLY_AT, tzinfo=zone)
    return at if local >= at else at - timedelta(days=1)


def mining_refresh_due(*, now: datetime) -> int:
    """The nightly job (checked hourly): recompute the workspaces whose snapshots are older
    than their last local 02:00. Returns how many workspaces were computed."""
    latest: dict[tuple[int, str], datetime] = {
        (row["workspace_id"], row["kind"]): row["last"]
        for row in MiningSnapshot.objects.values("workspace_id", "kind").annotate(
            last=Max("computed_at")
        )
    }
    done = 0
    for workspace in Workspace.objects.order_by("pk"):
        due_after = _last_nightly(now, _zone(workspace))
        kinds = [
            kind
            for kind in MiningKind.values
            if (last := latest.get((workspace.pk, kind))) is None or last < due_after
        ]
        if kinds:
            mining_snapshots_refresh(workspace=workspace, now=now, kinds=kinds)
            done += 1
    return done


@transaction.atomic
def mining_refresh_request(*, actor: Member, kinds: list[str], now: datetime) -> None:
    """A supervisor's "recompute now": audited, then computed after commit (in-process in the
    embedded mode, on a worker in production)."""
    if not actor.is_supervising:
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Mining is for supervisors and admins.")
    unknown = sorted(set(kinds) - set(MiningKind.values))
    if unknown or not kinds:
        raise ApplicationError(
            ErrorCode.INVALID,
            "Unknown mining kind.",
            fields={"kinds": f"one or more of {', '.join(MiningKind.values)}"},
        )
    workspace = Workspace.objects.select_for_update().get(pk=actor.workspace_id)
    recent = MiningSnapshot.objects.filter(
        workspace=workspace, kind__in=kinds, computed_at__gt=now - REFRESH_GAP
    ).exists()
    if recent:
        raise ApplicationError(
            ErrorCode.THROTTLED,
            "These results were computed less than a minute ago.",
            headers={"Retry-After": str(int(REFRESH_GAP.total_seconds()))},
        )
    audit_record(
        workspace=workspace,
        actor=actor,
        action="mining.refreshed",
        target=workspace,
        data={"kinds": sorted(kinds)},
    )
    from parley.analytics.tasks import refresh_mining_snapshots

    chosen = sorted(kinds)
    transaction.on_commit(lambda: refresh_mining_snapshots.delay(workspace.pk, chosen))

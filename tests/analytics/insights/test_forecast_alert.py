"""The alert metric "volume far above forecast": conversations created in the window over what
the latest forecast snapshot expected for it. Fires (and is delivered) when the volume is well
above the forecast, stays quiet at the forecast and without one; workspace-wide only."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from parley.analytics.alerts import RuleInput, alert_rule_create, alerts_evaluate, metric_value
from parley.analytics.models import (
    AlertEvent,
    AlertRule,
    EventKind,
    MiningKind,
    MiningSnapshot,
    ReportingEvent,
)
from parley.errors import ApplicationError
from tests.conftest import Published, World

pytestmark = pytest.mark.django_db
PER_HOUR = 4.0  # what the stored forecast expects in every hour


def forecast(world: World, *, now: datetime, first: datetime | None = None) -> None:
    """A stored forecast of PER_HOUR conversations in each hour of three local days from
    ``first`` (by default yesterday's midnight, so any window up to now is covered)."""
    zone = ZoneInfo(world.workspace.timezone or "UTC")
    if first is None:
        first = datetime.combine(now.astimezone(zone).date() - timedelta(days=1), time(0))
    starts = [(first + timedelta(hours=h)).isoformat(timespec="minutes") for h in range(72)]
    MiningSnapshot.objects.create(
        workspace=world.workspace,
        kind=MiningKind.FORECAST,
        computed_at=now,
        result={"interval_minutes": 60, "starts": starts, "mean": [PER_HOUR] * 72},
    )


def created(world: World, n: int, *, at: datetime) -> None:
    ReportingEvent.objects.bulk_create(
        ReportingEvent(
            workspace=world.workspace,
            kind=EventKind.CREATED,
            occurred_at=at,
            recorded_at=at,
            inbox_id=world.inbox.pk,
            channel="widget",
        )
        for _ in range(n)
    )


def rule(world: World, **values: object) -> AlertRule:
    data: dict[str, object] = {
        "name": "Far above forecast",
        "metric": "volume_vs_forecast",
        "comparison": "gt",
        "threshold": 1.5,
        "window_minutes": 30,
        "cooldown_minutes": 60,
        **values,
    }
    return alert_rule_create(actor=world.supervisor, data=RuleInput(**data))  # type: ignore[arg-type]


def test_fires_when_the_volume_is_far_above_the_forecast(
    world: World, published: Published
) -> None:
    world.workspace.timezone = "Asia/Shanghai"
    world.workspace.save()
    now = timezone.now()
    forecast(world, now=now)
    alert = rule(world)

    # at the forecast: 2 in half an hour where 2 were expected → ratio 1, quiet
    created(world, 2, at=now - timedelta(minutes=5))
    value = metric_value(rule=alert, start=now - timedelta(minutes=30), end=now)
    assert value == pytest.approx(1.0)
    assert alerts_evaluate(now=now) == 0

    # a rush: 8 in half an hour where 2 were expected → 4 times the forecast
    created(world, 6, at=now - timedelta(minutes=2))
    assert alerts_evaluate(now=now) == 1
    (event,) = AlertEvent.objects.filter(rule=alert)
    assert event.value == pytest.approx(4.0) and event.threshold == 1.5
    frames = published.frames("alert.fired", f"member.{world.supervisor.pk}")
    assert frames and frames[0]["alert"]["rule"]["metric"] == "volume_vs_forecast"


def test_no_forecast_means_no_alert(world: World) -> None:
    now = timezone.now()
    alert = rule(world)
    created(world, 50, at=now - timedelta(minutes=1))
    assert metric_value(rule=alert, start=now - timedelta(minutes=30), end=now) is None
    assert alerts_evaluate(now=now) == 0
    assert not AlertEvent.objects.exists()


def test_the_forecast_metric_is_workspace_wide(world: World) -> None:
    with pytest.raises(ApplicationError) as refused:
        rule(world, inbox_id=world.inbox.pk)
    assert refused.value.fields == {"metric": "workspace-wide: no inbox or team"}
    assert not AlertRule.objects.exists()


def test_a_window_the_forecast_only_partly_covers_is_not_a_surge(world: World) -> None:
    """Just after the forecast begins (a nightly forecast starts at local midnight), half the
    window lies before it; the volume at the forecast's rate is still ratio 1."""
    world.workspace.timezone = "UTC"
    world.workspace.save()
    zone = ZoneInfo("UTC")
    midnight = datetime.combine(timezone.now().date(), time(0))
    now = midnight.replace(tzinfo=zone) + timedelta(minutes=15)
    forecast(world, now=now, first=midnight)
    alert = rule(world)
    created(world, 2, at=now - timedelta(minutes=20))

    value = metric_value(rule=alert, start=now - timedelta(minutes=30), end=now)

    assert value == pytest.approx(1.0)

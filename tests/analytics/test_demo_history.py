"""The demo's synthetic history: deterministic, rolled up, once, and only in demo mode."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from parley.analytics.demo_history import analytics_demo_seed
from parley.analytics.models import DailyRollup, ReportingEvent
from tests.conftest import World

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 3, tzinfo=UTC)


def test_the_same_seed_and_day_give_the_same_history(
    world: World, other_world: World, settings: Any
) -> None:
    settings.PARLEY_DEMO = True
    a = analytics_demo_seed(workspace=world.workspace, now=NOW, days=7)
    b = analytics_demo_seed(workspace=other_world.workspace, now=NOW, days=7)
    assert a.conversations > 100
    assert (a.conversations, a.events) == (b.conversations, b.events)
    # the rollups hold every event, and nothing happens after now
    days = DailyRollup.objects.filter(workspace=world.workspace)
    assert sum(d.count for d in days) == a.events
    last = ReportingEvent.objects.filter(workspace=world.workspace).latest("occurred_at")
    assert last.occurred_at <= NOW
    # a second run adds nothing
    again = analytics_demo_seed(workspace=world.workspace, now=NOW, days=7)
    assert again.conversations == 0
    assert ReportingEvent.objects.filter(workspace=world.workspace).count() == a.events


def test_refused_outside_the_demo_mode(world: World, settings: Any) -> None:
    settings.PARLEY_DEMO = False
    with pytest.raises(CommandError):
        call_command("analytics", "seed-demo", "--workspace", world.workspace.slug)
    assert not ReportingEvent.objects.exists()

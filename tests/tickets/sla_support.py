"""Helpers of the SLA tests: a clock the test moves, and policies made in one line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from parley.accounts.models import Workspace
from parley.tickets.sla_models import SlaPolicy

# A Monday morning, 09:00 in Shanghai.
MONDAY = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, at: datetime) -> datetime:
        self.now = at
        return at


def install_clock(monkeypatch: pytest.MonkeyPatch, start: datetime = MONDAY) -> Clock:
    """``timezone.now`` answers the test's clock everywhere (services, auto_now fields)."""
    clock = Clock(now=start)
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def make_policy(workspace: Workspace, **values: Any) -> SlaPolicy:
    defaults: dict[str, Any] = {
        "name": f"Policy {SlaPolicy.objects.count() + 1}",
        "business_hours": False,
        "warning_percent": 20,
        "targets": {
            "low": {"first_response": 480, "resolution": 2880},
            "normal": {"first_response": 240, "resolution": 1440},
            "high": {"first_response": 60, "resolution": 480},
            "urgent": {"first_response": 30, "resolution": 240},
        },
        "position": SlaPolicy.objects.filter(workspace=workspace).count(),
    }
    defaults.update(values)
    return SlaPolicy.objects.create(workspace=workspace, **defaults)

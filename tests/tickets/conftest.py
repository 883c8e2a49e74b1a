"""Ticket fixtures: a ticket made the way the console makes one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from parley.accounts.models import Member
from parley.tickets.models import CreatedVia, Ticket
from parley.tickets.services import ticket_create
from tests.conftest import World
from tests.tickets.sla_support import Clock, install_clock


@pytest.fixture
def make_ticket(world: World) -> Callable[..., Ticket]:
    def make(w: World | None = None, *, actor: Member | None = None, **kwargs: Any) -> Ticket:
        w = w or world
        values: dict[str, Any] = {
            "inbox": w.inbox,
            "contact": w.contact,
            "subject": "Refund for order 1234",
            "description": "The parcel arrived broken.",
            "created_via": CreatedVia.CONSOLE,
            "actor": actor or w.supervisor,
        }
        values.update(kwargs)
        return ticket_create(**values)

    return make


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The SLA tests' clock: a Monday 09:00 in Shanghai, moved by the test."""
    return install_clock(monkeypatch)

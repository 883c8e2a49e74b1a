"""The ``sla`` part of a ticket's payload and the ``sla.warning`` / ``sla.breached`` frames."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal, TypedDict

from django.utils import timezone

from parley.tickets.sla.state import SlaState, metric_breached, sla_state
from parley.tickets.sla_models import SlaMetric, TicketSla

if TYPE_CHECKING:  # the ticket payload includes this module's; import it for types only
    from parley.tickets.payloads import TicketPayload


class SlaPolicyRef(TypedDict):
    id: int
    name: str


class FirstResponsePayload(TypedDict):
    due_at: str | None
    met_at: str | None
    breached: bool


class ResolutionPayload(TypedDict):
    due_at: str | None
    met_at: str | None
    breached: bool
    paused: bool
    remaining_seconds: int | None  # business seconds left while paused, else None


class SlaPayload(TypedDict):
    policy: SlaPolicyRef
    state: SlaState
    first_response: FirstResponsePayload
    resolution: ResolutionPayload


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def sla_payload(row: TicketSla | None, now: datetime | None = None) -> SlaPayload | None:
    """None when no policy applies. ``row.policy`` should be select_related in lists."""
    if row is None or row.policy_id is None or row.policy is None:
        return None

    now = now or timezone.now()
    paused = row.resolution_paused_at is not None and row.resolution_met_at is None
    return {
        "policy": {"id": row.policy.pk, "name": row.policy.name},
        "state": sla_state(row, now),
        "first_response": {
            "due_at": _iso(row.first_response_due_at),
            "met_at": _iso(row.first_response_met_at),
            "breached": metric_breached(row, SlaMetric.FIRST_RESPONSE, now),
        },
        "resolution": {
            "due_at": _iso(row.resolution_due_at),
            "met_at": _iso(row.resolution_met_at),
            "breached": metric_breached(row, SlaMetric.RESOLUTION, now),
            "paused": paused,
            "remaining_seconds": row.resolution_left_seconds if paused else None,
        },
    }


class SlaAlertFrame(TypedDict):
    """To the assignee's and each supervising member's ``member.<id>`` group."""

    type: Literal["sla.warning", "sla.breached"]
    metric: Literal["first_response", "resolution"]
    due_at: str | None
    ticket: TicketPayload  # with its "sla" part

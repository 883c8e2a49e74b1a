"""Reads of SLA data: policies, and compliance for reports (re-exported by
parley/tickets/selectors.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.db.models import Count, Q, QuerySet

from parley.errors import ApplicationError, ErrorCode
from parley.tickets.models import Ticket
from parley.tickets.sla_models import SlaEvent, SlaEventKind, SlaPolicy


@dataclass(frozen=True)
class SlaCompliance:
    met: int
    breached: int


def sla_compliance(
    *, workspace_id: int, start: datetime, end: datetime, by: Literal["member", "team"]
) -> dict[int, SlaCompliance]:
    """Tickets whose SLA targets fell due or were met in ``[start, end)``, per member (the
    assignee) or team *at the moment of the event*. A ticket counts once per member or team:
    as breached if any of its targets was breached in the period under them (a late answer
    included), else as met if a target was met in time. Tickets with no assignee (or team)
    at the time are left out. One query over the SLA events."""
    key = "assignee_id" if by == "member" else "team_id"
    rows = (
        SlaEvent.objects.filter(
            workspace_id=workspace_id,
            at__gte=start,
            at__lt=end,
            kind__in=[SlaEventKind.MET, SlaEventKind.BREACHED],
            **{f"{key}__isnull": False},
        )
        .values(key, "ticket_id")
        .annotate(breaches=Count("pk", filter=Q(kind=SlaEventKind.BREACHED)))
        .order_by()
    )
    met: dict[int, int] = defaultdict(int)
    breached: dict[int, int] = defaultdict(int)
    for row in rows:
        (breached if row["breaches"] else met)[row[key]] += 1
    return {k: SlaCompliance(met=met[k], breached=breached[k]) for k in sorted({*met, *breached})}


def sla_policy_list(*, workspace_id: int) -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.filter(workspace_id=workspace_id).select_related("inbox", "team")


def sla_policy_get(*, workspace_id: int, policy_id: int) -> SlaPolicy:
    policy = sla_policy_list(workspace_id=workspace_id).filter(pk=policy_id).first()
    if policy is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such SLA policy.")
    return policy


def ticket_for_alert(*, ticket_id: int) -> Ticket:
    """A ticket with everything its payload shows, for an SLA frame or e-mail."""
    return (
        Ticket.objects.select_related(
            "conversation__inbox",
            "conversation__contact",
            "conversation__assignee__user",
            "conversation__team",
            "follow_up_of",
            "sla__policy",
        )
        .prefetch_related("tags")
        .get(pk=ticket_id)
    )

"""The SLA timer job: record warnings and breaches that came due, and tell people.

Run every minute (``tickets-sla-check`` in parley/ops/schedule.py). It reads the tickets whose
``next_check_at`` has passed — one indexed range scan — and handles each in its own
transaction under the conversation's lock. Each warning or breach is an ``SlaEvent`` that may
exist once per ticket, metric and kind, so a second run, or a second worker racing this one,
records and sends nothing twice. All state is in the database: a run after downtime catches up
with everything that came due meanwhile.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from parley.accounts.models import Member
from parley.conversations import realtime
from parley.conversations.models import Conversation
from parley.conversations.services.timeline import lock_conversation
from parley.notifications.staff import send_sla_alert
from parley.tickets.sla.payloads import SlaAlertFrame
from parley.tickets.sla.selectors import ticket_for_alert
from parley.tickets.sla.tracking import record_event, schedule_checks
from parley.tickets.sla_models import SlaEvent, SlaEventKind, SlaMetric, TicketSla

BATCH = 500  # per run; the next run a minute later takes the rest


def sla_timers_check(*, now: datetime) -> int:
    """Returns how many events were recorded."""
    ids = list(
        TicketSla.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    return sum(_check_one(ticket_id=ticket_id, now=now) for ticket_id in ids)


@transaction.atomic
def _check_one(*, ticket_id: int, now: datetime) -> int:
    conversation = lock_conversation(ticket_id)
    row = TicketSla.objects.select_related("policy").filter(pk=ticket_id).first()
    if row is None or row.next_check_at is None or row.next_check_at > now:
        return 0  # changed since the scan (solved, recomputed, or done by another worker)
    recorded: list[SlaEvent] = []
    for metric in (SlaMetric.FIRST_RESPONSE, SlaMetric.RESOLUTION):
        due = getattr(row, f"{metric}_due_at")
        warn = getattr(row, f"{metric}_warn_at")
        if getattr(row, f"{metric}_met_at") is not None or due is None:
            continue
        if getattr(row, f"{metric}_breached"):
            continue
        kind = None
        if due <= now:
            # After downtime both may have passed: the breach says it all.
            kind, at = SlaEventKind.BREACHED, due
            setattr(row, f"{metric}_breached", True)
            setattr(row, f"{metric}_warned", True)
        elif warn is not None and warn <= now and not getattr(row, f"{metric}_warned"):
            kind, at = SlaEventKind.WARNING, warn
            setattr(row, f"{metric}_warned", True)
        if kind is not None:
            event = record_event(row, conversation, metric=metric, kind=kind, due_at=due, at=at)
            if event is not None:
                recorded.append(event)
    schedule_checks(row)
    row.save()
    for event in recorded:
        sla_notify(event=event, conversation=conversation)
    return len(recorded)


def sla_recipients(*, conversation: Conversation) -> list[int]:
    """The assignee and the workspace's supervising members (owners, admins, supervisors)
    who are active: the people a warning or breach is for."""
    supervising = Member.objects.filter(
        workspace_id=conversation.workspace_id,
        is_active=True,
        role__in=["owner", "admin", "supervisor"],
    ).values_list("pk", flat=True)
    ids = set(supervising)
    assignee = conversation.assignee
    if assignee is not None and assignee.is_active:
        ids.add(assignee.pk)
    return sorted(ids)


def sla_notify(*, event: SlaEvent, conversation: Conversation) -> None:
    """After commit: an ``sla.warning`` / ``sla.breached`` frame to each recipient's member
    group, and an e-mail to each (parley/notifications/staff.py)."""
    member_ids = sla_recipients(conversation=conversation)
    groups = [realtime.member_group(m) for m in member_ids]
    ticket_id = event.ticket_id

    def send() -> None:
        from parley.tickets.payloads import ticket_payload

        frame: SlaAlertFrame = {
            "type": "sla.breached" if event.kind == SlaEventKind.BREACHED else "sla.warning",
            "metric": "first_response"
            if event.metric == SlaMetric.FIRST_RESPONSE
            else "resolution",
            "due_at": event.due_at.isoformat() if event.due_at else None,
            "ticket": ticket_payload(ticket_for_alert(ticket_id=ticket_id)),
        }
        realtime.send_to_groups(groups, frame)

    transaction.on_commit(send)
    send_sla_alert(conversation_id=conversation.pk, event_id=event.pk, member_ids=member_ids)

"""A ticket's SLA clocks, kept in step with the ticket by explicit calls from the services.

- :func:`sla_ticket_start` — once, when a ticket is made (parley/tickets/services/common.py).
- :func:`sla_conversation_changed` — after a conversation's status, priority, inbox or team
  was saved (``save_state`` in parley/conversations/services/timeline.py, and the bulk
  actions' one UPDATE). Chooses the policy again, moves the resolution clock between running,
  paused (pending) and met (solved), and recomputes the due times.
- :func:`sla_first_response` — when a member's first public reply set ``first_response_at``
  (``append_entry`` in the same timeline module).

Callers hold the conversation's row lock, so these never race with each other or with the
timer job (parley/tickets/sla/timers.py), which takes the same lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from parley.analytics import events as reporting
from parley.analytics.models import EventKind
from parley.conversations.models import Conversation, Status
from parley.inboxes.hours import ALWAYS_OPEN, BusinessHours
from parley.inboxes.selectors import inbox_business_hours
from parley.tickets.sla.clock import NeverOpen, add_business_time, business_time_between
from parley.tickets.sla.targets import (
    active_policies,
    sla_policy_choose,
    target_of,
    warning_lead,
)
from parley.tickets.sla_models import SlaEvent, SlaEventKind, SlaMetric, SlaPolicy, TicketSla

# Fields whose change can move an SLA clock.
WATCHED = frozenset({"status", "priority", "inbox", "team"})


def hours_for(policy: SlaPolicy, conversation: Conversation) -> BusinessHours:
    if not policy.business_hours:
        return ALWAYS_OPEN
    return inbox_business_hours(inbox=conversation.inbox)


def _add(start: datetime, duration: timedelta, hours: BusinessHours) -> datetime:
    try:
        return add_business_time(start, duration, hours)
    except NeverOpen:  # hours with no opening at all: count calendar time rather than never
        return start + duration


def _seconds(delta: timedelta) -> int:
    return int(delta.total_seconds())


def _mode_of(conversation: Conversation) -> str:
    if conversation.status == Status.RESOLVED:
        return "met"
    if conversation.status == Status.PENDING:
        return "paused"
    return "running"


def _current_mode(row: TicketSla) -> str:
    if row.resolution_met_at is not None:
        return "met"
    if row.resolution_paused_at is not None:
        return "paused"
    return "running"


def record_event(
    row: TicketSla,
    conversation: Conversation,
    *,
    metric: SlaMetric,
    kind: SlaEventKind,
    due_at: datetime | None,
    at: datetime,
) -> SlaEvent | None:
    """The event, or None when one of that kind was recorded before (by an earlier run or
    another worker): the unique constraint decides, inside a savepoint."""
    try:
        with transaction.atomic():
            created = SlaEvent.objects.create(
                workspace_id=row.workspace_id,
                ticket_id=row.pk,
                policy_id=row.policy_id,
                metric=metric,
                kind=kind,
                due_at=due_at,
                at=at,
                assignee_id=conversation.assignee_id,
                team_id=conversation.team_id,
            )
    except IntegrityError:
        return None
    reporting.event_sla(conversation=conversation, kind=_REPORTED[kind], at=at)
    return created


_REPORTED = {
    SlaEventKind.WARNING: EventKind.SLA_WARNING,
    SlaEventKind.BREACHED: EventKind.SLA_BREACHED,
    SlaEventKind.MET: EventKind.SLA_MET,
}


def _record_met(
    row: TicketSla,
    conversation: Conversation,
    *,
    metric: SlaMetric,
    due_at: datetime | None,
    at: datetime | None = None,
    sink: list[SlaEvent] | None = None,
) -> None:
    """Met in time → a met event (moved to the latest time on a second solve); late → the
    breach is recorded, at its due time, if the timer job had not got to it yet. With a
    ``sink`` (bulk actions) the event is collected there and written with the others."""
    at = at or timezone.now()
    late = due_at is not None and at > due_at
    if metric == SlaMetric.FIRST_RESPONSE:
        late = late or row.first_response_breached
    else:
        late = late or row.resolution_breached
    if late and sink is not None:
        sink.append(_event(row, conversation, metric, SlaEventKind.BREACHED, due_at, due_at or at))
        setattr(row, f"{metric}_breached", True)
        return
    if sink is not None:
        sink.append(_event(row, conversation, metric, SlaEventKind.MET, due_at, at))
        return
    if late:
        record_event(
            row,
            conversation,
            metric=metric,
            kind=SlaEventKind.BREACHED,
            due_at=due_at,
            at=due_at or at,
        )
        setattr(row, f"{metric}_breached", True)
        return
    _, first_time = SlaEvent.objects.update_or_create(
        ticket_id=row.pk,
        metric=metric,
        kind=SlaEventKind.MET,
        defaults={
            "workspace_id": row.workspace_id,
            "policy_id": row.policy_id,
            "due_at": due_at,
            "at": at,
            "assignee_id": conversation.assignee_id,
            "team_id": conversation.team_id,
        },
    )
    if first_time:  # met again after a reopen counts once
        reporting.event_sla(conversation=conversation, kind=EventKind.SLA_MET, at=at)


def _event(
    row: TicketSla,
    conversation: Conversation,
    metric: SlaMetric,
    kind: SlaEventKind,
    due_at: datetime | None,
    at: datetime,
) -> SlaEvent:
    return SlaEvent(
        workspace_id=row.workspace_id,
        ticket_id=row.pk,
        policy_id=row.policy_id,
        metric=metric,
        kind=kind,
        due_at=due_at,
        at=at,
        assignee_id=conversation.assignee_id,
        team_id=conversation.team_id,
    )


def _move_resolution(
    row: TicketSla,
    conversation: Conversation,
    hours: BusinessHours,
    sink: list[SlaEvent] | None = None,
) -> None:
    """Stop the clock where it runs now, then put it where the status says: running, paused
    (pending) or met (solved)."""
    now = timezone.now()
    current, wanted = _current_mode(row), _mode_of(conversation)
    if current == wanted:
        return
    if current == "running" and row.resolution_running_since is not None:
        used = business_time_between(row.resolution_running_since, now, hours)
        row.resolution_used_seconds += _seconds(used)
    due_before = row.resolution_due_at
    row.resolution_running_since = None
    row.resolution_paused_at = None
    row.resolution_met_at = None
    if wanted == "running":
        row.resolution_running_since = now
    elif wanted == "paused":
        row.resolution_paused_at = now
    else:
        row.resolution_met_at = now
        if row.policy is not None and target_of(
            row.policy, priority=conversation.priority, metric=SlaMetric.RESOLUTION
        ):
            _record_met(
                row, conversation, metric=SlaMetric.RESOLUTION, due_at=due_before, sink=sink
            )


def _recompute(row: TicketSla, conversation: Conversation, hours: BusinessHours) -> None:
    """Due and warning times from the ticket's start and the resolution time used so far,
    under the policy's targets for the ticket's priority now; then the timer's next check."""
    policy = row.policy
    fr = (
        target_of(policy, priority=conversation.priority, metric=SlaMetric.FIRST_RESPONSE)
        if (policy)
        else None
    )
    if row.first_response_met_at is None:
        if policy is None or fr is None:
            row.first_response_due_at = row.first_response_warn_at = None
        else:
            row.first_response_due_at = _add(row.started_at, fr, hours)
            lead = warning_lead(policy, fr)
            row.first_response_warn_at = _add(row.started_at, fr - lead, hours) if lead else None
    res = (
        target_of(policy, priority=conversation.priority, metric=SlaMetric.RESOLUTION)
        if (policy)
        else None
    )
    row.resolution_left_seconds = None
    if row.resolution_met_at is not None:
        pass  # solved: the due time it was measured against stays on show
    elif policy is None or res is None:
        row.resolution_due_at = row.resolution_warn_at = None
    else:
        left = res - timedelta(seconds=row.resolution_used_seconds)
        if row.resolution_running_since is None:  # paused
            row.resolution_due_at = row.resolution_warn_at = None
            row.resolution_left_seconds = max(_seconds(left), 0)
        else:
            since = row.resolution_running_since
            row.resolution_due_at = _add(since, left, hours)
            lead = warning_lead(policy, res)
            row.resolution_warn_at = _add(since, left - lead, hours) if lead else None
    schedule_checks(row)


def schedule_checks(row: TicketSla) -> None:
    """``next_due_at`` (list order) and ``next_check_at`` (what the timer job looks at next)."""
    dues: list[datetime] = []
    checks: list[datetime] = []
    for metric in (SlaMetric.FIRST_RESPONSE, SlaMetric.RESOLUTION):
        due = getattr(row, f"{metric}_due_at")
        warn = getattr(row, f"{metric}_warn_at")
        if getattr(row, f"{metric}_met_at") is not None or due is None:
            continue
        dues.append(due)
        breached = getattr(row, f"{metric}_breached")
        if not breached:
            checks.append(due)
            if warn is not None and not getattr(row, f"{metric}_warned"):
                checks.append(warn)
    row.next_due_at = min(dues, default=None)
    row.next_check_at = min(checks, default=None)


def _sync(
    row: TicketSla,
    conversation: Conversation,
    *,
    choose: bool,
    policies: list[SlaPolicy] | None = None,
    sink: list[SlaEvent] | None = None,
) -> None:
    """Bring the row in step with the conversation (not saved)."""
    if choose:
        policy = sla_policy_choose(
            workspace_id=conversation.workspace_id,
            inbox_id=conversation.inbox_id,
            team_id=conversation.team_id,
            policies=policies,
        )
        if (policy.pk if policy else None) != row.policy_id:
            row.policy = policy
    hours = hours_for(row.policy, conversation) if row.policy else ALWAYS_OPEN
    _move_resolution(row, conversation, hours, sink)
    _recompute(row, conversation, hours)


def sla_ticket_start(*, ticket_id: int, conversation: Conversation, started_at: datetime) -> None:
    """The ticket's clocks from ``started_at`` under the policy that applies now. A ticket no
    policy applies to gets a row without one (shown as ``"sla": null``) so that a later change
    of inbox or team can still bring a policy in."""
    row = TicketSla(
        ticket_id=ticket_id,
        workspace_id=conversation.workspace_id,
        started_at=started_at,
        resolution_running_since=started_at,
    )
    if conversation.first_response_at is not None:  # an escalated chat answered already
        row.first_response_met_at = conversation.first_response_at
    _sync(row, conversation, choose=True)
    if row.policy is not None and row.first_response_met_at is not None:
        due = row.first_response_due_at
        if due is not None:
            _record_met(
                row,
                conversation,
                metric=SlaMetric.FIRST_RESPONSE,
                due_at=due,
                at=row.first_response_met_at,
            )
    row.save()


def sla_conversation_changed(*, conversation: Conversation, fields: Iterable[str]) -> None:
    """After a save of ``fields``; a conversation that is no ticket costs one query."""
    changed = WATCHED.intersection(fields)
    if not changed:
        return
    row = TicketSla.objects.select_related("policy").filter(pk=conversation.pk).first()
    if row is None:
        return
    _sync(row, conversation, choose=bool(changed & {"inbox", "team"}))
    row.save()


def sla_conversations_changed(*, conversations: list[Conversation], fields: Iterable[str]) -> None:
    """The same for a bulk action's locked conversations, in a fixed number of queries: the
    workspace's active policies, the rows, one bulk UPDATE, and for a status change the met
    and breach events in one INSERT each. Without active policies no ticket has one (as
    deactivating or deleting a policy moves its tickets off it): only a status change still
    moves the resolution clock (paused, running, met), as it does for one ticket."""
    changed = WATCHED.intersection(fields)
    if not changed or not conversations:
        return
    policies = active_policies(workspace_id=conversations[0].workspace_id)
    if not policies and "status" not in changed:
        return
    by_pk = {c.pk: c for c in conversations}
    rows = list(TicketSla.objects.select_related("policy").filter(pk__in=list(by_pk)))
    if not rows:
        return
    sink: list[SlaEvent] = []
    for row in rows:
        _sync(
            row,
            by_pk[row.pk],
            choose=bool(changed & {"inbox", "team"}),
            policies=policies,
            sink=sink,
        )
    TicketSla.objects.bulk_update(
        rows, fields=_CLOCK_FIELDS + (_STATUS_FIELDS if "status" in changed else [])
    )
    _write_events(sink, by_pk)


def _write_events(events: list[SlaEvent], by_pk: dict[int, Conversation]) -> None:
    """A breach recorded before (by the timer job) stays as it was; a met event moves to the
    latest solve, as ``_record_met`` does for one ticket; the ones recorded for the first
    time are reported (the callers hold the rows' locks, so "first" cannot race)."""
    if not events:
        return
    known = set(
        SlaEvent.objects.filter(ticket_id__in={e.ticket_id for e in events}).values_list(
            "ticket_id", "metric", "kind"
        )
    )
    for e in events:
        if (e.ticket_id, e.metric, e.kind) not in known:
            reporting.event_sla(
                conversation=by_pk[e.ticket_id], kind=_REPORTED[SlaEventKind(e.kind)], at=e.at
            )
    breached = [e for e in events if e.kind == SlaEventKind.BREACHED]
    met = [e for e in events if e.kind == SlaEventKind.MET]
    if breached:
        SlaEvent.objects.bulk_create(breached, ignore_conflicts=True)
    if met:
        SlaEvent.objects.bulk_create(
            met,
            update_conflicts=True,
            unique_fields=["ticket", "metric", "kind"],
            update_fields=["workspace", "policy", "due_at", "at", "assignee", "team"],
        )


_CLOCK_FIELDS = [
    "policy",
    "first_response_due_at",
    "first_response_warn_at",
    "resolution_due_at",
    "resolution_warn_at",
    "resolution_left_seconds",
    "next_due_at",
    "next_check_at",
]
# What a status change moves besides: the resolution clock's mode and what it used up.
_STATUS_FIELDS = [
    "resolution_used_seconds",
    "resolution_running_since",
    "resolution_paused_at",
    "resolution_met_at",
    "first_response_breached",
    "resolution_breached",
]


def sla_first_response(*, conversation: Conversation) -> None:
    """The conversation's first public reply by a member was just recorded."""
    row = TicketSla.objects.select_related("policy").filter(pk=conversation.pk).first()
    if row is None or row.first_response_met_at is not None:
        return
    row.first_response_met_at = conversation.first_response_at or timezone.now()
    if row.policy is not None and row.first_response_due_at is not None:
        _record_met(
            row, conversation, metric=SlaMetric.FIRST_RESPONSE, due_at=row.first_response_due_at
        )
    schedule_checks(row)
    row.save()


def tickets_under_policy(*, policy_id: int) -> list[int]:
    """The tickets not closed yet whose clocks run under the policy."""
    return list(
        TicketSla.objects.filter(policy_id=policy_id, ticket__closed_at__isnull=True).values_list(
            "pk", flat=True
        )
    )


def sla_tickets_reapply(*, ticket_ids: Iterable[int]) -> int:
    """Choose the policy again and recompute, for tickets whose policy was changed,
    deactivated or deleted; each under its conversation's lock. Returns how many."""
    from parley.conversations.services.timeline import lock_conversation

    count = 0
    for ticket_id in ticket_ids:
        conversation = lock_conversation(ticket_id)
        row = TicketSla.objects.select_related("policy").filter(pk=ticket_id).first()
        if row is not None:
            _sync(row, conversation, choose=True)
            row.save()
            count += 1
    return count

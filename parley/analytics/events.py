"""Recording reporting events: the facts dashboards and alerts are built from.

Services call these explicitly, inside their own transaction, at the moment something happens
(no signals, no model callbacks): the fact is stored if and only if the change commits. Each
call is one INSERT, except inside ``events_batched`` (bulk actions), where one INSERT stores all
the block's events at its end. The rollup job (parley/analytics/rollups.py) turns them into
per-hour and per-day tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from parley.analytics.models import EventKind, ReportingEvent

if TYPE_CHECKING:
    from parley.conversations.models import Conversation, CsatResponse


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def event_record(
    *,
    conversation: Conversation,
    kind: EventKind,
    occurred_at: datetime | None = None,
    member_id: int | None = None,
    value: float | None = None,
) -> ReportingEvent:
    """One fact about a conversation; inbox, team and channel are taken from it as it is now."""
    now = timezone.now()
    event = ReportingEvent(
        workspace_id=conversation.workspace_id,
        kind=kind,
        occurred_at=occurred_at or now,
        recorded_at=now,
        conversation_id=conversation.pk,
        inbox_id=conversation.inbox_id,
        team_id=conversation.team_id,
        member_id=member_id,
        channel=conversation.inbox.kind,
        value=value,
    )
    batch = _batch.get()
    if batch is not None:
        batch.append(event)
    else:
        event.save(force_insert=True)
    return event


_batch: ContextVar[list[ReportingEvent] | None] = ContextVar("reporting_batch", default=None)


@contextmanager
def events_batched() -> Iterator[None]:
    """Inside the block, the events above are collected and stored in one INSERT at its end:
    bulk actions (parley/conversations/services/batch.py) record the same facts as one change
    would, in a fixed number of queries."""
    batch: list[ReportingEvent] = []
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    ReportingEvent.objects.bulk_create(batch)


def event_conversation_created(*, conversation: Conversation) -> None:
    from parley.conversations.models import Status

    event_record(
        conversation=conversation, kind=EventKind.CREATED, occurred_at=conversation.created_at
    )
    if conversation.status == Status.BOT:
        event_record(
            conversation=conversation,
            kind=EventKind.BOT_STARTED,
            occurred_at=conversation.created_at,
        )


def event_first_response(
    *, conversation: Conversation, member_id: int | None, at: datetime
) -> None:
    event_record(
        conversation=conversation,
        kind=EventKind.FIRST_RESPONSE,
        occurred_at=at,
        member_id=member_id,
        value=_seconds(conversation.created_at, at),
    )


def event_assigned(
    *, conversation: Conversation, queued_since: datetime | None, at: datetime
) -> None:
    """``queued_since``: when it started waiting for a person (None: it never waited)."""
    event_record(
        conversation=conversation,
        kind=EventKind.ASSIGNED,
        occurred_at=at,
        member_id=conversation.assignee_id,
        value=_seconds(queued_since, at),
    )


def event_transferred(*, conversation: Conversation, from_member_id: int | None) -> None:
    event_record(conversation=conversation, kind=EventKind.TRANSFERRED, member_id=from_member_id)


def event_resolved(*, conversation: Conversation) -> None:
    """Resolution time for everyone; handle time for the assignee; a conversation resolved
    before any member answered is also *abandoned* (the customer left, or it was closed
    unanswered)."""
    at = conversation.resolved_at or timezone.now()
    member = conversation.assignee_id
    event_record(
        conversation=conversation,
        kind=EventKind.RESOLVED,
        occurred_at=at,
        member_id=member,
        value=_seconds(conversation.created_at, at),
    )
    if member is not None and conversation.assigned_at is not None:
        event_record(
            conversation=conversation,
            kind=EventKind.HANDLED,
            occurred_at=at,
            member_id=member,
            value=_seconds(conversation.assigned_at, at),
        )
    if conversation.first_response_at is None:
        event_record(
            conversation=conversation,
            kind=EventKind.ABANDONED,
            occurred_at=at,
            member_id=member,
            value=_seconds(conversation.created_at, at),
        )


def event_reopened(*, conversation: Conversation) -> None:
    event_record(
        conversation=conversation, kind=EventKind.REOPENED, member_id=conversation.assignee_id
    )


def event_csat(*, conversation: Conversation, response: CsatResponse) -> None:
    """A rating counts once per conversation: an edit within the edit window replaces the
    value (and marks the row changed so the rollup re-rolls its bucket)."""
    now = timezone.now()
    updated = ReportingEvent.objects.filter(
        workspace_id=conversation.workspace_id, kind=EventKind.CSAT, conversation_id=conversation.pk
    ).update(value=float(response.rating or 0), recorded_at=now)
    if not updated:
        ReportingEvent.objects.create(
            workspace_id=conversation.workspace_id,
            kind=EventKind.CSAT,
            occurred_at=response.answered_at or now,
            recorded_at=now,
            conversation_id=conversation.pk,
            inbox_id=response.inbox_id,
            team_id=response.team_id,
            member_id=response.assignee_id,
            channel=conversation.inbox.kind,
            value=float(response.rating or 0),
        )


def event_sla(*, conversation: Conversation, kind: EventKind, at: datetime) -> None:
    """SLA_WARNING / SLA_BREACHED / SLA_MET from the SLA engine."""
    event_record(
        conversation=conversation, kind=kind, occurred_at=at, member_id=conversation.assignee_id
    )


def event_bot(*, conversation: Conversation, kind: EventKind) -> None:
    """BOT_ANSWERED (each answer the bot gives) or BOT_HANDOVER (it hands over to people)."""
    event_record(conversation=conversation, kind=kind)

"""A workspace's customer history, loaded once, from which features are computed as of any
cut-off. The same code serves training (many past cut-offs) and scoring (now), so a feature
cannot mean one thing in training and another in production.

What it reads: conversations (who, when, through which kind of inbox, when resolved), the
reporting events of those conversations that describe the customer's experience (CSAT, reopen,
SLA breach, queue wait, abandonment) and, where the sentiment job has scored them, each
conversation's sentiment."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from parley.analytics.models import ConversationSentiment, EventKind, ReportingEvent
from parley.conversations.models import Conversation

DONE_STATUSES = frozenset({"resolved", "closed"})
EXPERIENCE_KINDS = (
    EventKind.CSAT,
    EventKind.REOPENED,
    EventKind.SLA_BREACHED,
    EventKind.ASSIGNED,
    EventKind.ABANDONED,
)


@dataclass
class Visit:
    """One conversation of a contact, with the facts of its experience."""

    id: int
    created_at: datetime
    resolved_at: datetime | None  # None: still open
    channel: str
    topic: str
    sentiment: float | None = None
    negative: bool = False
    events: list[tuple[str, datetime, float | None]] = field(default_factory=list)


@dataclass
class CustomerHistory:
    visits: dict[int, list[Visit]]  # contact id -> visits, oldest first
    starts: dict[int, list[datetime]]  # contact id -> visit creation times (for bisect)

    def contacts(self) -> list[int]:
        return sorted(self.visits)

    def visits_between(self, contact_id: int, start: datetime, end: datetime) -> list[Visit]:
        """The contact's visits created in [start, end)."""
        times = self.starts.get(contact_id, [])
        low, high = bisect_left(times, start), bisect_left(times, end)
        return self.visits[contact_id][low:high] if contact_id in self.visits else []

    def first_after(self, contact_id: int, moment: datetime) -> datetime | None:
        times = self.starts.get(contact_id, [])
        index = bisect_left(times, moment)
        return times[index] if index < len(times) else None


def load_history(*, workspace_id: int, since: datetime) -> CustomerHistory:
    """Every non-spam conversation of the workspace created on or after ``since``."""
    rows = (
        Conversation.objects.filter(workspace_id=workspace_id, created_at__gte=since, spam=False)
        .order_by("contact_id", "created_at", "pk")
        .values_list(
            "pk", "contact_id", "created_at", "resolved_at", "status", "inbox__kind", "topic"
        )
    )
    visits: dict[int, list[Visit]] = defaultdict(list)
    by_id: dict[int, Visit] = {}
    for pk, contact_id, created, resolved, status, channel, topic in rows.iterator(chunk_size=5000):
        visit = Visit(
            id=pk,
            created_at=created,
            resolved_at=resolved if status in DONE_STATUSES else None,
            channel=channel,
            topic=topic,
        )
        visits[contact_id].append(visit)
        by_id[pk] = visit
    events = ReportingEvent.objects.filter(
        workspace_id=workspace_id, kind__in=EXPERIENCE_KINDS, occurred_at__gte=since
    ).values_list("conversation_id", "kind", "occurred_at", "value")
    for conversation_id, kind, occurred, value in events.iterator(chunk_size=5000):
        found = by_id.get(conversation_id) if conversation_id is not None else None
        if found is not None:
            found.events.append((kind, occurred, value))
    sentiments = ConversationSentiment.objects.filter(
        workspace_id=workspace_id, conversation__created_at__gte=since
    ).values_list("conversation_id", "score", "label")
    for conversation_id, score, label in sentiments.iterator(chunk_size=5000):
        scored = by_id.get(conversation_id)
        if scored is not None:
            scored.sentiment = score
            scored.negative = label == "negative"
    return CustomerHistory(
        visits=dict(visits),
        starts={c: [v.created_at for v in vs] for c, vs in visits.items()},
    )


def window(moment: datetime, days: int) -> tuple[datetime, datetime]:
    return moment - timedelta(days=days), moment

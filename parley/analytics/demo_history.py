"""A few weeks of synthetic history for the demo workspace, so its dashboards have something
to show: conversations (resolved, in the past), their reporting events and the rollups.

Deterministic: the same seed and the same "today" give the same history. Rows are written in
bulk (this is demo data, not a use case): conversations are not replayed through the services,
which would take minutes. Refused outside the embedded demo mode.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from parley.accounts.models import Member, Role, Team, Workspace
from parley.analytics.models import EventKind, ReportingEvent
from parley.analytics.rollups import rollups_rebuild
from parley.contacts.models import Contact
from parley.conversations.models import Conversation, Status
from parley.inboxes.models import Inbox, InboxKind

MARKER = "history-0@demo.parley.test"  # the first demo customer: present = already seeded
# Relative volume per local hour: a morning and an afternoon peak, quiet nights.
HOURLY = [1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 17, 14, 10, 13, 16, 15, 12, 9, 7, 6, 5, 4, 3, 2]
WEEKDAY = [1.0, 1.1, 1.0, 0.95, 0.9, 0.6, 0.5]  # Monday first
EXTRA_INBOXES = [("Support e-mail", InboxKind.EMAIL), ("Mobile app", InboxKind.API)]
TOPICS = ["delivery", "refund", "payment", "account", "product question"]


@dataclass(frozen=True)
class Seeded:
    conversations: int
    events: int
    buckets: int


def _events_for(
    rng: random.Random, c: Conversation, agents: list[Member], skill: dict[int, float]
) -> list[ReportingEvent]:
    """One conversation's facts, from its start to its resolution."""
    out: list[ReportingEvent] = []

    def add(
        kind: str, at: datetime, member: Member | None = None, value: float | None = None
    ) -> None:
        out.append(
            ReportingEvent(
                workspace_id=c.workspace_id,
                kind=kind,
                occurred_at=at,
                recorded_at=at,
                conversation_id=c.pk,
                inbox_id=c.inbox_id,
                team_id=c.team_id,
                member_id=member.pk if member else None,
                channel=c.inbox.kind,
                value=value,
            )
        )

    start = c.created_at
    add(EventKind.CREATED, start)
    at = start
    if c.inbox.kind == InboxKind.WIDGET and rng.random() < 0.45:
        add(EventKind.BOT_STARTED, start)
        for _ in range(rng.randint(1, 3)):
            at += timedelta(seconds=rng.randint(5, 40))
            add(EventKind.BOT_ANSWERED, at)
        if rng.random() < 0.45:  # the bot answered it all
            at += timedelta(seconds=rng.randint(30, 200))
            add(EventKind.RESOLVED, at, value=(at - start).total_seconds())
            return out
        add(EventKind.BOT_HANDOVER, at)
    wait = rng.expovariate(1 / 70) * (3 if start.hour in (9, 10, 14, 15) else 1)
    if rng.random() < 0.05 or wait > 900:  # the customer gave up waiting
        at += timedelta(seconds=min(wait, 900))
        add(EventKind.RESOLVED, at, value=(at - start).total_seconds())
        add(EventKind.ABANDONED, at, value=(at - start).total_seconds())
        return out
    agent = c.assignee or agents[0]
    at += timedelta(seconds=wait)
    assigned = at
    add(EventKind.ASSIGNED, at, agent, wait)
    at += timedelta(seconds=rng.randint(8, 90) * skill[agent.pk])
    add(EventKind.FIRST_RESPONSE, at, agent, (at - start).total_seconds())
    if rng.random() < 0.08:
        add(EventKind.TRANSFERRED, at + timedelta(minutes=2), agent)
    handle = rng.lognormvariate(math.log(420), 0.6) * skill[agent.pk]
    at = assigned + timedelta(seconds=handle)
    add(EventKind.RESOLVED, at, agent, (at - start).total_seconds())
    add(EventKind.HANDLED, at, agent, handle)
    if rng.random() < 0.35:
        good = 1.4 - skill[agent.pk]  # the quicker agents are rated a little better
        rating = max(1, min(5, round(rng.gauss(3.7 + good, 0.9))))
        add(EventKind.CSAT, at + timedelta(minutes=3), agent, float(rating))
    if c.inbox.kind == InboxKind.EMAIL:
        kind = EventKind.SLA_MET if handle < 1200 else EventKind.SLA_BREACHED
        add(kind, at, agent)
    return out


@transaction.atomic
def analytics_demo_seed(
    *, workspace: Workspace, now: datetime, days: int = 28, seed: int = 9
) -> Seeded:
    if not settings.PARLEY_DEMO:
        raise ImproperlyConfigured("Synthetic history is for the embedded demo only.")
    if Contact.objects.filter(workspace=workspace, email=MARKER).exists():
        return Seeded(conversations=0, events=0, buckets=0)
    rng = random.Random(seed)  # noqa: S311 (demo data, reproducible on purpose)
    zone = ZoneInfo(workspace.timezone or "UTC")
    inboxes = list(Inbox.objects.filter(workspace=workspace).order_by("pk")[:1])
    for name, kind in EXTRA_INBOXES:
        inbox, _ = Inbox.objects.get_or_create(
            workspace=workspace, name=name, defaults={"kind": kind}
        )
        inboxes.append(inbox)
    teams: list[Team | None] = [*Team.objects.filter(workspace=workspace).order_by("pk")[:2]]
    teams = teams or [None]
    agents = list(
        Member.objects.filter(
            workspace=workspace, is_active=True, role__in=[Role.AGENT, Role.SUPERVISOR]
        )
        .select_related("user")
        .order_by("pk")
    )
    if not agents:
        return Seeded(conversations=0, events=0, buckets=0)
    skill = {a.pk: 0.7 + 0.25 * i for i, a in enumerate(agents)}  # handle-time factor
    contacts = Contact.objects.bulk_create(
        Contact(
            workspace=workspace, name=f"Demo customer {i}", email=f"history-{i}@demo.parley.test"
        )
        for i in range(60)
    )
    today = now.astimezone(zone).date()
    planned: list[tuple[datetime, Inbox]] = []
    for back in range(days, 0, -1):  # whole past days only: nothing in today's live queue
        day = today - timedelta(days=back)
        base = 26 * WEEKDAY[day.weekday()]
        for hour, weight in enumerate(HOURLY):
            n = (
                rng.randint(0, 2)
                if weight < 3
                else round(base * weight / 12 * rng.uniform(0.7, 1.3) / 8)
            )
            for _ in range(n):
                at = datetime.combine(day, time(hour), tzinfo=zone) + timedelta(
                    seconds=rng.randint(0, 3599)
                )
                inbox = rng.choices(inboxes, weights=[6, 3, 1][: len(inboxes)])[0]
                planned.append((at, inbox))
    conversations: list[Conversation] = []
    pairs: list[tuple[Conversation, list[ReportingEvent]]] = []
    for at, inbox in planned:
        c = Conversation(
            workspace=workspace,
            inbox=inbox,
            contact=rng.choice(contacts),
            status=Status.RESOLVED,
            topic=rng.choice(TOPICS),
            team=rng.choice(teams),
            assignee=rng.choice(agents),
            created_at=at,
        )
        evs = _events_for(rng, c, agents, skill)
        c.resolved_at = max(e.occurred_at for e in evs)
        if c.resolved_at > now:
            continue  # history only: nothing ends in the future
        if not any(e.kind == EventKind.ASSIGNED for e in evs):
            c.assignee = None
        conversations.append(c)
        pairs.append((c, evs))
    stamps = [(c.created_at, c.resolved_at) for c in conversations]
    Conversation.objects.bulk_create(conversations, batch_size=500)
    # created_at is set on insert (auto_now_add); the history's own times are put back after
    for c, (created, resolved) in zip(conversations, stamps, strict=True):
        c.created_at = created
        c.last_activity_at = resolved or created
    Conversation.objects.bulk_update(
        conversations, ["created_at", "last_activity_at"], batch_size=500
    )
    events = []
    for c, evs in pairs:
        for e in evs:
            e.conversation_id = c.pk
        events.extend(evs)
    ReportingEvent.objects.bulk_create(events, batch_size=1000)
    buckets = rollups_rebuild(workspace_id=workspace.pk)
    return Seeded(conversations=len(conversations), events=len(events), buckets=buckets)

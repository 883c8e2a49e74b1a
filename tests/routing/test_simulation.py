"""An hour of traffic, simulated: 300 conversations with topics arriving to 12 agents with
different skills, capacities and availability. Every routing decision is checked as it is
made; the mean and p90 wait are reported."""

from __future__ import annotations

import heapq
import random
import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.db.models import Count

from parley.accounts.models import Member, Role
from parley.conversations import services as conversation_services
from parley.conversations.models import Conversation, Message, Status
from parley.conversations.presence import mark_present
from parley.routing import services
from parley.routing.models import AgentSkill, AgentState
from tests.factories import ContactFactory, MemberFactory

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
TOPIC_SKILLS = {"refunds": ["refunds"], "technical": ["tech"]}
TOPICS = ["orders", "refunds", "technical", "general"]
# (skills, capacity, online from minute, away from minute)
AGENTS = [
    ({"refunds": 3}, 3, 0, None),
    ({"refunds": 2}, 2, 0, None),
    ({"refunds": 1}, 4, 0, None),
    ({"tech": 3}, 3, 0, None),
    ({"tech": 2}, 2, 0, None),
    ({"tech": 1}, 3, 0, 40),
    ({"refunds": 2, "tech": 2}, 2, 0, None),
    ({"refunds": 1, "tech": 1}, 3, 20, None),
    ({}, 4, 0, None),
    ({}, 3, 0, None),
    ({}, 2, 0, 30),
    ({}, 1, 10, None),
]


@dataclass(order=True)
class Event:
    at: datetime
    order: int
    kind: str = field(compare=False)
    subject: int = field(compare=False, default=0)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def required(conversation: Conversation) -> tuple[str, ...]:
    return tuple(TOPIC_SKILLS.get(conversation.topic, []))


def drain_key(conversation: Conversation) -> tuple[int, datetime, int]:
    return (-conversation.priority, conversation.queued_at or START, conversation.pk)


@pytest.mark.django_db
def test_an_hour_of_traffic_routes_everyone_once_within_capacity_and_skills(world, capsys):
    rng = random.Random(20261125)
    clock = Clock()
    inbox = world.inbox
    inbox.settings = {"routing": {"policy": "skills", "topic_skills": TOPIC_SKILLS}}
    inbox.save()
    inbox.agents.clear()
    agents: list[Member] = []
    for skills, capacity, _, _ in AGENTS:
        member = MemberFactory(workspace=world.workspace, role=Role.AGENT)
        inbox.agents.add(member)
        AgentState.objects.create(member=member, max_concurrent=capacity, availability="offline")
        for skill, level in skills.items():
            AgentSkill.objects.create(member=member, skill=skill, level=level)
        agents.append(member)

    events: list[Event] = []
    order = 0

    def schedule(at: datetime, kind: str, subject: int = 0) -> None:
        nonlocal order
        order += 1
        heapq.heappush(events, Event(at=at, order=order, kind=kind, subject=subject))

    for index, (_, _, online_from, away_from) in enumerate(AGENTS):
        schedule(START + timedelta(minutes=online_from), "online", index)
        if away_from is not None:
            schedule(START + timedelta(minutes=away_from), "away", index)
    arrivals = sorted(rng.uniform(0, 3600) for _ in range(300))
    for second in arrivals:
        schedule(START + timedelta(seconds=second), "arrive")

    available: set[int] = set()
    handle: dict[int, float] = {}
    routed_ids: list[int] = []

    def route() -> None:
        mark_present(available)
        skilled_here = {
            skills: any(
                set(skills) <= set(AGENTS[i][0])
                for i in range(len(agents))
                if agents[i].pk in available
            )
            for skills in {(), ("refunds",), ("tech",)}
        }
        routed = services.route_inbox(inbox_id=inbox.pk, now=clock.now)
        queue = list(
            Conversation.objects.filter(inbox=inbox, status=Status.QUEUED, assignee__isnull=True)
        )
        by_id = {
            c.pk: c for c in Conversation.objects.filter(pk__in=[r.conversation_id for r in routed])
        }
        for result in routed:
            conversation = by_id[result.conversation_id]
            member_index = next(i for i, m in enumerate(agents) if m.pk == result.member_id)
            needs = required(conversation)
            # Skills respected whenever a skilled agent was there to take it.
            if not set(needs) <= set(AGENTS[member_index][0]):
                assert not skilled_here[needs], (conversation.topic, result)
            # Queue order kept: nobody with the same needs was passed over.
            for waiting in queue:
                if required(waiting) == needs:
                    assert drain_key(waiting) > drain_key(conversation)
            routed_ids.append(conversation.pk)
            schedule(
                clock.now + timedelta(seconds=handle[conversation.pk]), "resolve", conversation.pk
            )
        loads = dict(
            Conversation.objects.filter(inbox=inbox, status=Status.OPEN)
            .values("assignee_id")
            .annotate(n=Count("pk"))
            .values_list("assignee_id", "n")
        )
        for index, member in enumerate(agents):
            assert loads.get(member.pk, 0) <= AGENTS[index][1], "capacity exceeded"

    with mock.patch("django.utils.timezone.now", clock):
        while events:
            event = heapq.heappop(events)
            clock.now = event.at
            if event.kind == "online":
                available.add(agents[event.subject].pk)
                services.availability_set(member=agents[event.subject], availability="online")
            elif event.kind == "away":
                available.discard(agents[event.subject].pk)
                services.availability_set(member=agents[event.subject], availability="away")
            elif event.kind == "arrive":
                topic = rng.choices(TOPICS, weights=[4, 3, 3, 2])[0]
                conversation = conversation_services.conversation_start(
                    inbox=inbox, contact=ContactFactory(workspace=world.workspace), topic=topic
                )
                if rng.random() < 0.05:
                    Conversation.objects.filter(pk=conversation.pk).update(priority=3)
                handle[conversation.pk] = rng.uniform(60, 600)
            elif event.kind == "resolve":
                conversation = Conversation.objects.get(pk=event.subject)
                assert conversation.assignee is not None
                conversation_services.conversation_set_status(
                    conversation=conversation,
                    status=Status.RESOLVED,
                    actor=conversation.assignee,
                )
            route()

    conversations = list(Conversation.objects.filter(inbox=inbox))
    assert len(conversations) == 300
    assert sorted(routed_ids) == sorted(c.pk for c in conversations)  # each exactly once
    assigned_events = Message.objects.filter(
        conversation__inbox=inbox, kind="event", data__event="assigned"
    )
    assert assigned_events.count() == 300
    waits = sorted(
        (c.assigned_at - c.created_at).total_seconds()
        for c in conversations
        if c.assigned_at is not None
    )
    assert len(waits) == 300
    mean, p90 = statistics.fmean(waits), waits[int(0.9 * len(waits)) - 1]
    with capsys.disabled():
        print(
            f"\nrouting simulation: 300 conversations, 12 agents, 1 h: "
            f"mean wait {mean:.0f} s, p90 wait {p90:.0f} s, max {waits[-1]:.0f} s"
        )

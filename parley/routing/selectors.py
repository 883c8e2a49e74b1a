"""Reads for routing: who may take an inbox's work, who is available, how loaded they are."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Q

from parley.accounts.models import Member
from parley.conversations.models import Conversation, Status
from parley.conversations.presence import present_among
from parley.inboxes.models import Inbox
from parley.routing.models import AgentSkill, AgentState, Availability, WorkspaceRouting

DEFAULT_HANDLE_SECONDS = 300
HANDLE_TIME_WINDOW = timedelta(days=7)


@dataclass
class Agent:
    member: Member
    availability: str
    connected: bool
    load: int
    capacity: int  # in force: the agent's own, else the workspace default
    skills: dict[str, int] = field(default_factory=dict)
    max_concurrent: int | None = None  # the agent's own setting; None = the default
    last_assigned_at: datetime | None = None

    @property
    def available(self) -> bool:
        return self.availability == Availability.ONLINE and self.connected

    @property
    def free(self) -> bool:
        return self.available and self.load < self.capacity


def default_capacity(workspace_id: int) -> int:
    routing = WorkspaceRouting.objects.filter(workspace_id=workspace_id).first()
    return routing.default_max_concurrent if routing else 5


def candidate_members(*, inbox: Inbox, conversation: Conversation | None = None) -> list[Member]:
    """Who may be given this inbox's work: the conversation's team if it has one, else the
    inbox's agents and the members of the teams it routes to."""
    members = Member.objects.filter(workspace_id=inbox.workspace_id, is_active=True)
    if conversation is not None and conversation.team_id is not None:
        members = members.filter(teams=conversation.team_id)
    else:
        members = members.filter(Q(inboxes=inbox) | Q(teams__inboxes=inbox))
    return list(members.select_related("user").distinct().order_by("pk"))


def agents_of(members: list[Member], *, workspace_id: int) -> list[Agent]:
    """Each member's availability, connection, open load, capacity and skills, in few queries."""
    ids = [m.pk for m in members]
    states = {s.member_id: s for s in AgentState.objects.filter(member_id__in=ids)}
    loads = dict(
        Conversation.objects.filter(assignee_id__in=ids, status=Status.OPEN)
        .values("assignee_id")
        .annotate(n=Count("pk"))
        .values_list("assignee_id", "n")
    )
    last_assigned = dict(
        Conversation.objects.filter(assignee_id__in=ids, assigned_at__isnull=False)
        .values("assignee_id")
        .annotate(last=Max("assigned_at"))
        .values_list("assignee_id", "last")
    )
    skills: dict[int, dict[str, int]] = {}
    for skill in AgentSkill.objects.filter(member_id__in=ids):
        skills.setdefault(skill.member_id, {})[skill.skill] = skill.level
    connected = present_among(ids)
    default = default_capacity(workspace_id)
    agents = []
    for member in members:
        state = states.get(member.pk)
        agents.append(
            Agent(
                member=member,
                availability=state.availability if state else Availability.ONLINE,
                connected=member.pk in connected,
                load=loads.get(member.pk, 0),
                capacity=(
                    state.max_concurrent if state and state.max_concurrent is not None else default
                ),
                skills=skills.get(member.pk, {}),
                max_concurrent=state.max_concurrent if state else None,
                last_assigned_at=last_assigned.get(member.pk),
            )
        )
    return agents


def previous_agent_of_contact(*, conversation: Conversation) -> int | None:
    """The agent who handled this contact's most recent earlier conversation in the inbox."""
    return (
        Conversation.objects.filter(
            contact_id=conversation.contact_id,
            inbox_id=conversation.inbox_id,
            assignee__isnull=False,
        )
        .exclude(pk=conversation.pk)
        .order_by("-created_at")
        .values_list("assignee_id", flat=True)
        .first()
    )


def queued_conversations(*, inbox_id: int) -> list[Conversation]:
    """The queue in drain order: priority first, then who has waited longest."""
    return list(
        Conversation.objects.filter(
            inbox_id=inbox_id, status=Status.QUEUED, assignee__isnull=True
        ).order_by("-priority", "queued_at", "pk")
    )


def average_handle_seconds(*, inbox_id: int, now: datetime) -> float:
    """Mean time from assignment to resolution over the last week (a default without data)."""
    handled = ExpressionWrapper(F("resolved_at") - F("assigned_at"), output_field=DurationField())
    result = (
        Conversation.objects.filter(
            inbox_id=inbox_id,
            resolved_at__gte=now - HANDLE_TIME_WINDOW,
            assigned_at__isnull=False,
            resolved_at__isnull=False,
        )
        .annotate(handled=handled)
        .aggregate(mean=Avg("handled"))["mean"]
    )
    return result.total_seconds() if result else DEFAULT_HANDLE_SECONDS


@dataclass(frozen=True)
class QueueFacts:
    """What every place in one inbox's queue is estimated from, read once."""

    queue: list[Conversation]
    slots: int  # conversations the available agents can hold at once
    handle_seconds: float
    timeout_seconds: int


def queue_facts(*, inbox: Inbox, now: datetime) -> QueueFacts:
    from parley.routing.policy import routing_settings

    agents = agents_of(candidate_members(inbox=inbox), workspace_id=inbox.workspace_id)
    return QueueFacts(
        queue=queued_conversations(inbox_id=inbox.pk),
        slots=sum(a.capacity for a in agents if a.available),
        handle_seconds=average_handle_seconds(inbox_id=inbox.pk, now=now),
        timeout_seconds=routing_settings(inbox).queue_timeout_seconds,
    )


def place_in_queue(
    facts: QueueFacts, conversation: Conversation, position: int, now: datetime
) -> dict[str, object]:
    waited = (now - conversation.queued_at).total_seconds() if conversation.queued_at else 0
    return {
        "conversation": conversation.pk,
        "queued": True,
        "position": position,
        "estimated_wait_seconds": estimate_wait(position, facts.slots, facts.handle_seconds),
        "offer_leave_message": bool(facts.timeout_seconds) and waited >= facts.timeout_seconds,
    }


def queue_position(*, conversation: Conversation, now: datetime) -> dict[str, object]:
    """Where a conversation stands: its place among those waiting in its inbox, an estimate,
    and whether it has waited long enough to be offered leave-a-message."""
    if conversation.status != Status.QUEUED or conversation.assignee_id is not None:
        return {"conversation": conversation.pk, "queued": False}
    facts = queue_facts(inbox=conversation.inbox, now=now)
    position = next((i for i, c in enumerate(facts.queue, start=1) if c.pk == conversation.pk), 1)
    return place_in_queue(facts, conversation, position, now)


def estimate_wait(position: int, slots: int, handle_seconds: float) -> int | None:
    """Each of the `slots` places being worked frees up about every `handle_seconds`; unknown
    (None) while nobody who could take it is available."""
    if slots <= 0:
        return None
    return int(math.ceil(position / slots) * handle_seconds)

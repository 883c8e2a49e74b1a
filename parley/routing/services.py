"""Routing's use cases: match an inbox's queue with free agents, tell the queue where it
stands, set an agent's availability, capacity and skills, transfer a conversation.

Concurrency: each conversation is taken with `SELECT … FOR UPDATE SKIP LOCKED` (two routers
never take the same one), and the candidate agents' AgentState rows are locked in id order
while their load is counted, so no agent goes over capacity however many routers run at once.
SQLite's IMMEDIATE transactions serialise all of this anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from parley.accounts.models import Member
from parley.accounts.services import audit_record
from parley.conversations import realtime
from parley.conversations.models import Conversation, Status
from parley.conversations.services import conversation_route_to
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox
from parley.routing import selectors
from parley.routing.choose import choose
from parley.routing.models import (
    AgentSkill,
    AgentState,
    Availability,
    RoundRobinCursor,
    WorkspaceRouting,
)
from parley.routing.policy import Policy, routing_settings

MAX_PER_PASS = 500


class Unset:
    """Marks an argument that was not given (None is a value: 'use the default')."""


UNSET = Unset()


@dataclass(frozen=True)
class Routed:
    conversation_id: int
    member_id: int
    reason: str


def route_inbox(*, inbox_id: int, now: datetime | None = None) -> list[Routed]:
    """Give the inbox's queued conversations to free agents, by priority then age. One that no
    suitable agent can take now stays queued without holding up those behind it."""
    now = now or timezone.now()
    inbox = Inbox.objects.filter(pk=inbox_id).first()
    if inbox is None:
        return []
    settings = routing_settings(inbox)
    routed: list[Routed] = []
    if settings.policy != Policy.MANUAL:
        # Once nobody in the inbox is free, the rest of the queue (but for conversations
        # bound to a team, whose agents may differ) need not be tried one by one.
        inbox_full = False
        for conversation in selectors.queued_conversations(inbox_id=inbox_id)[:MAX_PER_PASS]:
            if inbox_full and conversation.team_id is None:
                continue
            result = _route_one(inbox, conversation.pk, now)
            if isinstance(result, Routed):
                routed.append(result)
            elif result is NOBODY_FREE and conversation.team_id is None:
                inbox_full = True
    publish_queue_positions(inbox=inbox, now=now)
    return routed


class _NobodyFree:
    """`_route_one`'s answer when no candidate had a free place at all."""


NOBODY_FREE = _NobodyFree()


@transaction.atomic
def _route_one(inbox: Inbox, conversation_id: int, now: datetime) -> Routed | _NobodyFree | None:
    conversation = (
        Conversation.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=conversation_id, status=Status.QUEUED, assignee__isnull=True)
        .first()
    )
    if conversation is None:
        return None  # taken meanwhile, by another router or a person
    members = selectors.candidate_members(inbox=inbox, conversation=conversation)
    if not members:
        return NOBODY_FREE
    _lock_agents([m.pk for m in members])
    agents = selectors.agents_of(members, workspace_id=inbox.workspace_id)
    if not any(agent.free for agent in agents):
        return NOBODY_FREE
    settings = routing_settings(inbox)
    cursor, _ = RoundRobinCursor.objects.select_for_update().get_or_create(inbox=inbox)
    choice = choose(
        settings=settings,
        agents=agents,
        topic=conversation.topic,
        asked_skills=_bot_skills(conversation) if settings.policy == Policy.SKILLS else [],
        queued_at=conversation.queued_at,
        now=now,
        last_member_id=cursor.last_member_id,
        previous_agent_id=(
            selectors.previous_agent_of_contact(conversation=conversation)
            if settings.policy == Policy.STICKY
            else None
        ),
    )
    if choice.agent is None:
        return None
    member = choice.agent.member
    conversation_route_to(conversation=conversation, member=member, reason=choice.reason)
    cursor.last_member = member
    cursor.save(update_fields=["last_member"])
    return Routed(conversation_id=conversation.pk, member_id=member.pk, reason=choice.reason)


def _bot_skills(conversation: Conversation) -> list[str]:
    """The skill of the FAQ the bot handed the conversation over from, if any."""
    from parley.bot.handoff import bot_handoff_skills  # the bot builds on routing's queue

    return bot_handoff_skills(conversation_id=conversation.pk)


def _lock_agents(member_ids: list[int]) -> None:
    """Lock the agents' capacity rows, creating any missing, always in id order (no deadlock)."""
    existing = set(
        AgentState.objects.filter(member_id__in=member_ids).values_list("member_id", flat=True)
    )
    for member_id in member_ids:
        if member_id not in existing:
            AgentState.objects.get_or_create(member_id=member_id)
    list(
        AgentState.objects.select_for_update()
        .filter(member_id__in=member_ids)
        .order_by("member_id")
        .values_list("pk", flat=True)
    )


# How long the place last sent to a waiting conversation is remembered. A conversation still
# waiting after that is sent its place again at the next pass, changed or not.
LAST_PLACE_SECONDS = 3600


def publish_queue_positions(*, inbox: Inbox, now: datetime) -> None:
    """Tell each waiting contact whose place, estimate or leave-a-message offer changed since
    the last pass, after commit.

    Every pass used to send every waiting contact their place: one group send each, most of a
    worker's time with a long queue (docs/benchmarks.md). The widget reads its place over REST
    when it connects or its conversation is queued, so the frames need only carry changes.
    The place last sent is kept in the cache, which every worker shares; it is keyed by when
    the conversation was queued, so one queued again is told its place even if it is the same.
    """
    facts = selectors.queue_facts(inbox=inbox, now=now)
    places = {
        _last_place_key(conversation): (
            conversation.contact_id,
            selectors.place_in_queue(facts, conversation, position, now),
        )
        for position, conversation in enumerate(facts.queue, start=1)
    }
    if not places:
        return
    last_sent = cache.get_many(list(places))
    changed = {key: place for key, (_, place) in places.items() if last_sent.get(key) != place}
    for key, place in changed.items():
        contact_id = places[key][0]
        realtime.publish_on_commit(
            [realtime.contact_group(contact_id)], {"type": "queue.position", **place}
        )
    if changed:
        # Remembered once they are sent (the commit), so a pass that fails sends them again.
        transaction.on_commit(lambda: cache.set_many(changed, timeout=LAST_PLACE_SECONDS))


def _last_place_key(conversation: Conversation) -> str:
    queued_at = conversation.queued_at.timestamp() if conversation.queued_at else 0
    return f"routing:place:{conversation.pk}:{queued_at}"


def route_member_inboxes(*, member: Member) -> None:
    """Capacity or availability of this member changed: look at every queue they serve."""
    inbox_ids = set(
        Inbox.objects.filter(workspace_id=member.workspace_id)
        .filter(agents=member)
        .values_list("pk", flat=True)
    ) | set(Inbox.objects.filter(teams__members=member).values_list("pk", flat=True))
    for inbox_id in sorted(inbox_ids):
        route_inbox(inbox_id=inbox_id)


@transaction.atomic
def availability_set(*, member: Member, availability: str) -> AgentState:
    """The agent says they are online, away or offline; the queue is looked at after commit."""
    if availability not in Availability.values:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"Unknown availability {availability!r}.",
            fields={"availability": Availability.values},
        )
    state, _ = AgentState.objects.select_for_update().get_or_create(member=member)
    state.availability = availability
    state.save(update_fields=["availability", "changed_at"])
    _after_capacity_change(member)
    return state


@transaction.atomic
def agent_configure(
    *,
    member: Member,
    actor: Member,
    max_concurrent: int | Unset | None = UNSET,
    skills: dict[str, int] | None = None,
) -> AgentState:
    """A supervisor sets an agent's capacity (None: the workspace default) and skills."""
    if not actor.is_supervising or actor.workspace_id != member.workspace_id:
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Only supervisors set capacity.")
    state, _ = AgentState.objects.select_for_update().get_or_create(member=member)
    if not isinstance(max_concurrent, Unset):
        state.max_concurrent = max_concurrent
        state.save(update_fields=["max_concurrent", "changed_at"])
    if skills is not None:
        AgentSkill.objects.filter(member=member).delete()
        AgentSkill.objects.bulk_create(
            AgentSkill(member=member, skill=skill, level=level) for skill, level in skills.items()
        )
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="agent.configured",
        target=member,
        data={"max_concurrent": state.max_concurrent, "skills": skills},
    )
    _after_capacity_change(member)
    return state


def _after_capacity_change(member: Member) -> None:
    from parley.routing.tasks import request_route_member_inboxes

    transaction.on_commit(lambda: request_route_member_inboxes(member.pk))


@transaction.atomic
def workspace_routing_configure(*, actor: Member, default_max_concurrent: int) -> None:
    """An admin sets how many conversations an agent takes at once unless set per agent."""
    if actor.role not in ("owner", "admin"):
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Only admins change this.")
    WorkspaceRouting.objects.update_or_create(
        workspace_id=actor.workspace_id,
        defaults={"default_max_concurrent": default_max_concurrent},
    )
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="routing.configured",
        target=actor.workspace,
        data={"default_max_concurrent": default_max_concurrent},
    )
    for member in Member.objects.filter(workspace_id=actor.workspace_id, is_active=True):
        _after_capacity_change(member)

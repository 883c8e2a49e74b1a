"""Picking one agent for one conversation, per policy. Pure functions over loaded facts, so
every policy is tested without a database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from parley.routing.policy import Policy, RoutingSettings
from parley.routing.selectors import Agent

NEVER = datetime.min


@dataclass(frozen=True)
class Choice:
    agent: Agent | None  # None: leave it queued for now
    reason: str


def least_busy(agents: list[Agent]) -> Agent | None:
    """Fewest open conversations relative to capacity; then whoever has waited longest for
    work; then the lowest id, so the choice is stable."""
    free = [a for a in agents if a.free]
    if not free:
        return None
    return min(
        free,
        key=lambda a: (
            a.load / a.capacity,
            (a.last_assigned_at or NEVER).replace(tzinfo=None),
            a.member.pk,
        ),
    )


def round_robin(agents: list[Agent], last_member_id: int | None) -> Agent | None:
    free = sorted((a for a in agents if a.free), key=lambda a: a.member.pk)
    if not free:
        return None
    if last_member_id is None:
        return free[0]
    after = [a for a in free if a.member.pk > last_member_id]
    return after[0] if after else free[0]


def choose(
    *,
    settings: RoutingSettings,
    agents: list[Agent],
    topic: str,
    queued_at: datetime | None,
    now: datetime,
    last_member_id: int | None = None,
    previous_agent_id: int | None = None,
    asked_skills: list[str] | None = None,
) -> Choice:
    """``asked_skills``: skills the conversation asks for itself (the bot's FAQ skill), used
    by the skills policy when its topic maps to none."""
    if settings.policy == Policy.MANUAL:
        return Choice(agent=None, reason="manual")
    if settings.policy == Policy.ROUND_ROBIN:
        return Choice(agent=round_robin(agents, last_member_id), reason="round robin")
    if settings.policy == Policy.SKILLS:
        return _by_skills(settings.skills_for(topic) or list(asked_skills or []), agents)
    if settings.policy == Policy.STICKY:
        return _sticky(settings, agents, previous_agent_id, queued_at, now)
    return Choice(agent=least_busy(agents), reason="least busy")


def _by_skills(required: list[str], agents: list[Agent]) -> Choice:
    if not required:
        return Choice(agent=least_busy(agents), reason="least busy")
    skilled = [a for a in agents if all(s in a.skills for s in required)]
    free_skilled = [a for a in skilled if a.free]
    if free_skilled:
        best = max(sum(a.skills[s] for s in required) for a in free_skilled)
        top = [a for a in free_skilled if sum(a.skills[s] for s in required) == best]
        return Choice(agent=least_busy(top), reason="skills " + ",".join(required))
    if any(a.available for a in skilled):
        # A skilled agent is here but busy: wait for them rather than send it to the wrong one.
        return Choice(agent=None, reason="waiting for skills")
    return Choice(agent=least_busy(agents), reason="least busy (no skilled agent online)")


def _sticky(
    settings: RoutingSettings,
    agents: list[Agent],
    previous_agent_id: int | None,
    queued_at: datetime | None,
    now: datetime,
) -> Choice:
    previous = next((a for a in agents if a.member.pk == previous_agent_id), None)
    if previous is not None and previous.free:
        return Choice(agent=previous, reason="returning contact")
    waited = now - (queued_at or now)
    if (
        previous is not None
        and previous.available
        and waited < timedelta(seconds=settings.sticky_wait_seconds)
    ):
        return Choice(agent=None, reason="waiting for the previous agent")
    return Choice(agent=least_busy(agents), reason="least busy")

"""How an inbox routes, read from `inbox.settings["routing"]` and checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox


class Policy(StrEnum):
    MANUAL = "manual"  # nobody is assigned automatically; agents take conversations
    ROUND_ROBIN = "round_robin"
    LEAST_BUSY = "least_busy"
    SKILLS = "skills"  # the topic's required skills, then least busy among the skilled
    STICKY = "sticky"  # the agent who helped this contact last, if free within a wait


@dataclass(frozen=True)
class RoutingSettings:
    policy: Policy = Policy.MANUAL
    # topic → skills an agent needs for it (from the pre-chat topic or the bot's intent)
    topic_skills: dict[str, list[str]] = field(default_factory=dict)
    sticky_wait_seconds: int = 120
    # After this long in the queue the widget offers leave-a-message; 0 = never.
    queue_timeout_seconds: int = 600

    def skills_for(self, topic: str) -> list[str]:
        return self.topic_skills.get(topic, []) if topic else []


def routing_settings(inbox: Inbox) -> RoutingSettings:
    return parse_routing_settings(inbox.settings.get("routing") or {})


def parse_routing_settings(raw: dict[str, Any]) -> RoutingSettings:
    """Check an inbox's routing settings; every problem is named at once, by its path."""
    problems: dict[str, str] = {}
    policy = Policy.MANUAL
    try:
        policy = Policy(raw.get("policy", Policy.MANUAL))
    except ValueError:
        choices = ", ".join(p.value for p in Policy)
        problems["routing.policy"] = f"Unknown policy {raw.get('policy')!r}; one of {choices}."
    topic_skills = raw.get("topic_skills") or {}
    if not isinstance(topic_skills, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(s, str) for s in v)
        for k, v in topic_skills.items()
    ):
        problems["routing.topic_skills"] = "Map each topic to a list of skill names."
        topic_skills = {}
    numbers: dict[str, int] = {}
    for name, default in (("sticky_wait_seconds", 120), ("queue_timeout_seconds", 600)):
        value = raw.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 86_400:
            problems[f"routing.{name}"] = "A whole number of seconds from 0 to 86400."
            value = default
        numbers[name] = value
    if problems:
        raise ApplicationError(
            ErrorCode.INVALID, "The routing settings are not valid.", fields=problems
        )
    return RoutingSettings(policy=policy, topic_skills=topic_skills, **numbers)

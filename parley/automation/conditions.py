"""Whether a rule's conditions hold for one event: pure checks over the facts of the event,
loaded at most once per chain (the ticket's tags, the inbox's business hours)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from parley.automation.selectors import conversation_tag_names
from parley.conversations.models import Conversation, Message
from parley.inboxes import hours
from parley.inboxes.selectors import inbox_business_hours
from parley.tickets.status import PRIORITY_BY_NAME


@dataclass
class Facts:
    conversation: Conversation
    message: Message | None
    now: datetime
    event_key: str = ""

    @cached_property
    def tags(self) -> set[str]:
        return {t.casefold() for t in conversation_tag_names(conversation_id=self.conversation.pk)}

    @cached_property
    def open_now(self) -> bool:
        return hours.is_open(hours=inbox_business_hours(inbox=self.conversation.inbox), at=self.now)

    @cached_property
    def sentiment(self) -> str | None:
        """The conversation's stored sentiment label (parley/analytics/sentiment), if scored."""
        from parley.analytics.sentiment.selectors import conversation_sentiment_label

        return conversation_sentiment_label(conversation_id=self.conversation.pk)

    def forget_tags(self) -> None:
        """An earlier rule of the chain changed the tags: read them again when asked."""
        self.__dict__.pop("tags", None)


def condition_holds(condition: dict[str, Any], facts: Facts) -> bool:
    kind, op = condition["field"], condition["op"]
    value: Any = condition.get("value")
    conversation = facts.conversation
    if kind == "inbox":
        return (conversation.inbox_id in value) == (op == "is")
    if kind == "channel":
        return (conversation.inbox.kind in value) == (op == "is")
    if kind == "message":
        if facts.message is None:
            return False
        # casefold: case-insensitive for Latin scripts; Chinese has no case and matches as a
        # plain substring (no word boundaries to respect).
        text = facts.message.body.casefold()
        return any(word.casefold() in text for word in value)
    if kind == "tag":
        return (value.casefold() in facts.tags) == (op == "present")
    if kind == "priority":
        wanted = PRIORITY_BY_NAME[value]
        return conversation.priority == wanted if op == "is" else conversation.priority >= wanted
    if kind == "contact_attribute":
        attributes = conversation.contact.attributes or {}
        actual = attributes.get(condition["key"]) if isinstance(attributes, dict) else None
        if actual is None:
            return False
        have, want = str(actual).casefold(), str(value).casefold()
        return have == want if op == "equals" else want in have
    if kind == "business_hours":
        return facts.open_now == (op == "within")
    if kind == "sentiment":
        if op == "turned_negative":
            return facts.event_key.startswith("sentiment.turned_negative")
        return facts.sentiment == value
    return False


def conditions_hold(*, match: str, conditions: list[dict[str, Any]], facts: Facts) -> bool:
    """No conditions: the rule applies to every event of its kind."""
    if not conditions:
        return True
    checks = (condition_holds(c, facts) for c in conditions)
    return all(checks) if match == "all" else any(checks)

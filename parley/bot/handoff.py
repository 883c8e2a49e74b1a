"""Handing a bot conversation over to a person: into the queue, with the topic (the detected
intent) and skill routing reads, a staff-only event saying why, and a word to the customer."""

from __future__ import annotations

from django.utils import timezone

from parley.analytics import events as reporting
from parley.analytics.models import EventKind
from parley.bot.conversation.texts import HANDOFF_REASONS, bot_text
from parley.bot.models import BotSession
from parley.conversations.models import Conversation, SenderType, Status
from parley.conversations.services.timeline import (
    Sender,
    append_entry,
    append_event,
    save_state,
)

BOT = Sender(type=SenderType.BOT)


def bot_hand_off(*, conversation: Conversation, session: BotSession, reason: str) -> None:
    """``conversation`` is locked by the caller and with the bot. Routing takes over after
    commit (save_state asks it to look at the inbox)."""
    if reason not in HANDOFF_REASONS:
        raise ValueError(f"unknown handoff reason {reason!r}")
    append_entry(
        conversation,
        sender=BOT,
        body=bot_text("handoff", session.locale),
        data={"bot": {"kind": "handoff"}},
    )
    intent = session.intent
    append_event(
        conversation,
        body=f"Handed over by the bot: {HANDOFF_REASONS[reason]}"
        + (f" (intent {intent})" if intent else ""),
        internal=True,
        data={
            "event": "bot_handoff",
            "reason": reason,
            "intent": intent,
            "skill": session.skill,
        },
    )
    reporting.event_bot(conversation=conversation, kind=EventKind.BOT_HANDOVER)
    session.handoff_reason = reason
    session.handed_off_at = timezone.now()
    session.choices = []
    session.save(update_fields=["handoff_reason", "handed_off_at", "choices"])
    conversation.status = Status.QUEUED
    changed = ["status"]
    if intent:
        # The routing skills policy maps topics to skills; the intent is the topic.
        conversation.topic = intent[:80]
        changed.append("topic")
    save_state(conversation, *changed)


def bot_handoff_skills(*, conversation_id: int) -> list[str]:
    """The skill the bot's FAQ asks for, for routing's skills policy (one small query)."""
    skill = (
        BotSession.objects.filter(conversation_id=conversation_id)
        .exclude(skill="")
        .values_list("skill", flat=True)
        .first()
    )
    return [skill] if skill else []

"""A conversation's running sentiment, and the flag raised when it turns negative.

The flag reaches agents three ways: the ``conversation.sentiment`` frame on the conversation's
staff groups (``inbox.<id>`` and the assignee's ``member.<id>``; never the contact), the
``sentiment`` field of conversation list rows and details, and the automation rules of the
workspace (event "conversation updated", conditions on ``sentiment``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, TypedDict

from parley.analytics.events import event_record
from parley.analytics.models import (
    ConversationSentiment,
    EventKind,
    MessageSentiment,
    SentimentLabel,
)
from parley.analytics.sentiment.scoring import conversation_label, running_score, trend_of
from parley.conversations import realtime
from parley.conversations.models import Conversation

# automation: the event key of a "turned negative" run starts with this (conditions.py reads it)
TURNED_NEGATIVE_KEY = "sentiment.turned_negative"


class SentimentPayload(TypedDict):
    label: str
    score: float
    trend: str
    turned_negative_at: str | None
    messages_scored: int


class ConversationSentimentFrame(TypedDict):
    type: Literal["conversation.sentiment"]
    conversation: int
    sentiment: SentimentPayload
    # True on the frame of the change that made the conversation negative (the agent's alert).
    turned_negative: bool


def sentiment_payload(row: ConversationSentiment) -> SentimentPayload:
    return {
        "label": row.label,
        "score": round(row.score, 3),
        "trend": row.trend,
        "turned_negative_at": row.turned_negative_at.isoformat()
        if row.turned_negative_at
        else None,
        "messages_scored": row.messages_scored,
    }


def sentiment_frame(
    row: ConversationSentiment, *, turned_negative: bool
) -> ConversationSentimentFrame:
    return {
        "type": "conversation.sentiment",
        "conversation": row.conversation_id,
        "sentiment": sentiment_payload(row),
        "turned_negative": turned_negative,
    }


def conversation_sentiment_refresh(*, conversation: Conversation) -> ConversationSentiment:
    """Recompute from the conversation's scored messages (inside the scoring transaction)."""
    scored = list(
        MessageSentiment.objects.filter(conversation_id=conversation.pk)
        .order_by("message__seq")
        .values_list("score", "message__created_at")
    )
    row = (
        ConversationSentiment.objects.select_for_update()
        .filter(conversation_id=conversation.pk)
        .first()
    )
    if row is None:
        row = ConversationSentiment(
            conversation_id=conversation.pk, workspace_id=conversation.workspace_id
        )
    before = (row.label if row.pk else None, row.trend if row.pk else None)
    scores = [s for s, _ in scored]
    last_at: datetime = scored[-1][1]
    row.score = running_score(scores)
    row.label = conversation_label(row.score)
    row.trend = trend_of(scores)
    row.messages_scored = len(scores)
    turned = row.label == SentimentLabel.NEGATIVE and before[0] != SentimentLabel.NEGATIVE
    if turned:
        row.turned_negative_at = last_at
    row.save()
    if turned:
        event_record(conversation=conversation, kind=EventKind.TURNED_NEGATIVE, occurred_at=last_at)
    if turned or before != (row.label, row.trend):
        realtime.publish_on_commit(
            realtime.staff_groups(conversation), sentiment_frame(row, turned_negative=turned)
        )
    if turned:
        _run_automation(conversation, row)
    return row


def _run_automation(conversation: Conversation, row: ConversationSentiment) -> None:
    from parley.automation.hooks import automation_after_sentiment

    assert row.turned_negative_at is not None
    automation_after_sentiment(
        conversation=conversation,
        event_key=f"{TURNED_NEGATIVE_KEY}:{row.turned_negative_at.isoformat()}",
    )

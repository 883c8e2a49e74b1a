"""Reads of stored sentiment. Other apps (churn, profiles, the console) use these, never the
tables directly."""

from __future__ import annotations

from collections.abc import Iterable

from parley.accounts.models import Workspace
from parley.analytics.models import ConversationSentiment, SentimentModelVersion


def conversation_sentiments(
    *, workspace: Workspace, conversation_ids: Iterable[int]
) -> dict[int, ConversationSentiment]:
    """The stored sentiment of each of these conversations that has one, by conversation id.
    Conversations of other workspaces and ones with no scored message are simply absent."""
    ids = list(conversation_ids)
    if not ids:
        return {}
    rows = ConversationSentiment.objects.filter(workspace=workspace, conversation_id__in=ids)
    return {row.conversation_id: row for row in rows}


def active_model_version(*, workspace: Workspace) -> SentimentModelVersion | None:
    return SentimentModelVersion.objects.filter(workspace=workspace, active=True).first()


def conversation_sentiment_label(*, conversation_id: int) -> str | None:
    """The label of one conversation's stored sentiment (automation conditions read this)."""
    return (
        ConversationSentiment.objects.filter(conversation_id=conversation_id)
        .values_list("label", flat=True)
        .first()
    )


def conversation_sentiment_brief(*, conversation_id: int) -> dict[str, object] | None:
    """What a conversation's header shows: label, score, trend, when it turned negative."""
    from parley.analytics.sentiment.flags import sentiment_payload

    row = ConversationSentiment.objects.filter(conversation_id=conversation_id).first()
    return dict(sentiment_payload(row)) if row is not None else None


def sentiment_of_row(conversation: object) -> dict[str, object] | None:
    """The same shape from a conversation list row's annotations (``sentiment_*``, added by
    parley.conversations.selectors.conversation_list): no query per row."""
    label = getattr(conversation, "sentiment_label", None)
    if label is None:
        return None
    turned = getattr(conversation, "sentiment_turned_negative_at", None)
    return {
        "label": label,
        "score": round(float(getattr(conversation, "sentiment_score", 0.0) or 0.0), 3),
        "trend": getattr(conversation, "sentiment_trend", ""),
        "turned_negative_at": turned.isoformat() if turned is not None else None,
    }

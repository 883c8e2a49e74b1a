"""Scoring customer messages and keeping each conversation's running sentiment.

A periodic job (``sentiment_score_pending``, every 20 s; never the request path) takes the
customer text messages that have no score yet, in batches, scores each batch with the
workspace's active model and, in one transaction per batch:

- stores a ``MessageSentiment`` per message (label, score = P(positive) − P(negative));
- records the reporting events ``message_scored`` (value: the score) and ``message_negative``,
  which the rollup job turns into per-hour and per-day counts for dashboards and alerts;
- recomputes the ``ConversationSentiment`` of each conversation touched: a recency-weighted
  mean of its messages' scores, a label, a trend, and ``turned_negative_at`` when it crosses
  into negative. A conversation that turns negative is flagged to its agents (a
  ``conversation.sentiment`` frame after commit), records ``turned_negative`` and runs the
  workspace's "conversation updated" automation rules (conditions ``sentiment is negative`` /
  ``sentiment turned negative``).

Which messages are due: ids above a watermark (the highest scored message that is older than
``SETTLE``, so a transaction that committed a little late is still seen) with no score; the
primary-key index keeps the scan short however long the history is.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max

from parley.accounts.models import Workspace
from parley.analytics.events import event_record, events_batched
from parley.analytics.models import (
    EventKind,
    MessageSentiment,
    SentimentLabel,
    SentimentModelVersion,
    SentimentTrend,
)
from parley.analytics.sentiment.versions import model_for, sentiment_model_bootstrap
from parley.conversations.models import Conversation, Message, MessageKind, SenderType

logger = logging.getLogger(__name__)

BATCH = 200
MAX_BATCHES = 25  # per run: a backlog is worked off over several runs, none very long
SETTLE = timedelta(minutes=2)
TEXT_LIMIT = 2000  # characters of a message the model reads

# A two-class model (the review data sets) has no neutral class: a message is neutral unless
# the model is this sure either way (|P(pos) − P(neg)| ≥ 0.4, i.e. one side ≥ 0.7).
BINARY_MARGIN = 0.4
# A conversation's label from its running score.
NEGATIVE_BELOW = -0.3
POSITIVE_ABOVE = 0.3
# Weight of the newest message in the running score (exponentially weighted mean).
RECENCY = 0.5
# Trend: the mean of the last TREND_SPAN scores against the TREND_SPAN before them.
TREND_SPAN = 3
TREND_STEP = 0.25


@dataclass(frozen=True)
class Scored:
    label: str
    score: float


def score_probabilities(labels: Sequence[str], row: Sequence[float]) -> Scored:
    """One message's label and score from the model's class probabilities."""
    p = dict(zip(labels, (float(x) for x in row), strict=True))
    positive = p.get(SentimentLabel.POSITIVE, 0.0)
    negative = p.get(SentimentLabel.NEGATIVE, 0.0)
    score = max(-1.0, min(1.0, positive - negative))
    if SentimentLabel.NEUTRAL in p:
        label = max(p, key=lambda k: p[k])
    elif score <= -BINARY_MARGIN:
        label = SentimentLabel.NEGATIVE
    elif score >= BINARY_MARGIN:
        label = SentimentLabel.POSITIVE
    else:
        label = SentimentLabel.NEUTRAL
    return Scored(label=str(label), score=round(score, 4))


def score_texts(*, version: SentimentModelVersion, texts: Sequence[str]) -> list[Scored]:
    model = model_for(version)
    rows = model.predict_proba([t[:TEXT_LIMIT] for t in texts])
    return [score_probabilities(model.labels, row) for row in rows]


def conversation_label(score: float) -> str:
    if score <= NEGATIVE_BELOW:
        return str(SentimentLabel.NEGATIVE)
    if score >= POSITIVE_ABOVE:
        return str(SentimentLabel.POSITIVE)
    return str(SentimentLabel.NEUTRAL)


def running_score(scores: Sequence[float]) -> float:
    """Exponentially weighted mean, newest last: the latest messages count most."""
    value = scores[0]
    for score in scores[1:]:
        value = RECENCY * score + (1 - RECENCY) * value
    return round(value, 4)


def trend_of(scores: Sequence[float]) -> str:
    if len(scores) < 2:
        return str(SentimentTrend.STEADY)
    recent = scores[-TREND_SPAN:] if len(scores) > TREND_SPAN else scores[len(scores) // 2 :]
    before = (
        scores[-2 * TREND_SPAN : -TREND_SPAN]
        if len(scores) > TREND_SPAN
        else scores[: len(scores) // 2]
    )
    delta = sum(recent) / len(recent) - sum(before) / len(before)
    if delta >= TREND_STEP:
        return str(SentimentTrend.IMPROVING)
    if delta <= -TREND_STEP:
        return str(SentimentTrend.WORSENING)
    return str(SentimentTrend.STEADY)


# ---- the job ------------------------------------------------------------------------------


def _watermark(now: datetime) -> int:
    settled = MessageSentiment.objects.filter(created_at__lt=now - SETTLE).aggregate(
        m=Max("message_id")
    )
    return int(settled["m"] or 0)


def pending_messages(*, now: datetime, limit: int = BATCH) -> list[Message]:
    return list(
        Message.objects.filter(
            pk__gt=_watermark(now),
            sender_type=SenderType.CONTACT,
            kind=MessageKind.TEXT,
            private=False,
            sentiment__isnull=True,
        )
        .exclude(body="")
        .select_related("conversation__inbox")
        .order_by("pk")[:limit]
    )


def sentiment_score_pending(*, now: datetime) -> int:
    """Score what is due, batch by batch; returns how many messages were scored."""
    done = 0
    for _ in range(MAX_BATCHES):
        batch = pending_messages(now=now)
        if not batch:
            break
        done += sentiment_score_messages(messages=batch)
        if len(batch) < BATCH:
            break
    return done


def sentiment_score_messages(*, messages: Sequence[Message]) -> int:
    by_workspace: dict[int, list[Message]] = defaultdict(list)
    for message in messages:
        by_workspace[message.workspace_id].append(message)
    scored = 0
    for workspace_id, group in by_workspace.items():
        workspace = Workspace.objects.get(pk=workspace_id)
        version = sentiment_model_bootstrap(workspace=workspace)
        results = score_texts(version=version, texts=[m.body for m in group])
        scored += _store(version=version, messages=group, results=results)
    return scored


@transaction.atomic
def _store(
    *, version: SentimentModelVersion, messages: Sequence[Message], results: Sequence[Scored]
) -> int:
    rows = [
        MessageSentiment(
            message=message,
            workspace_id=message.workspace_id,
            conversation_id=message.conversation_id,
            label=result.label,
            score=result.score,
            model_version=version.version,
        )
        for message, result in zip(messages, results, strict=True)
    ]
    # Two workers that picked the same message: the second one's row is dropped.
    MessageSentiment.objects.bulk_create(rows, ignore_conflicts=True)
    stored = set(
        MessageSentiment.objects.filter(
            message_id__in=[m.pk for m in messages], model_version=version.version
        ).values_list("message_id", flat=True)
    )
    conversations: dict[int, Conversation] = {}
    with events_batched():
        for message, result in zip(messages, results, strict=True):
            if message.pk not in stored:
                continue
            conversation = message.conversation
            conversations[conversation.pk] = conversation
            event_record(
                conversation=conversation,
                kind=EventKind.MESSAGE_SCORED,
                occurred_at=message.created_at,
                value=result.score,
            )
            if result.label == SentimentLabel.NEGATIVE:
                event_record(
                    conversation=conversation,
                    kind=EventKind.MESSAGE_NEGATIVE,
                    occurred_at=message.created_at,
                    value=result.score,
                )
    from parley.analytics.sentiment.flags import conversation_sentiment_refresh

    for conversation in conversations.values():
        conversation_sentiment_refresh(conversation=conversation)
    return len(stored)

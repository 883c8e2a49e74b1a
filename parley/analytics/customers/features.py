"""The churn model's features of one contact as of a cut-off, and their plain-word labels.

Only what happened before the cut-off counts: conversations created before it, events that
occurred before it, a conversation is unresolved if it was not resolved by then. "Missing" (no
CSAT given, no wait measured, no sentiment scored) is NaN; the model fills it with the
training mean, so a missing value neither raises nor lowers a score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from parley.analytics.customers.history import CustomerHistory, Visit
from parley.analytics.models import EventKind

ACTIVE_DAYS = 90  # the window most features look back over, and the label's activity window
NAN = math.nan


@dataclass(frozen=True)
class Feature:
    name: str
    en: str  # plain words, as in "{en}: {value} (typical {typical})"
    zh: str
    unit: str = ""  # "days", "min", "" (a count or a score)


FEATURES: tuple[Feature, ...] = (
    Feature("recency_days", "Days since the last conversation", "距上次会话天数", "days"),
    Feature("conversations_30d", "Conversations in the last 30 days", "近 30 天会话数"),
    Feature("conversations_90d", "Conversations in the last 90 days", "近 90 天会话数"),
    Feature("tenure_days", "Days since the first conversation", "首次会话至今天数", "days"),
    Feature("unresolved", "Unresolved conversations", "未解决的会话"),
    Feature("csat_mean_90d", "Mean CSAT rating (90 days)", "近 90 天平均满意度评分"),
    Feature("low_csat_90d", "Ratings of 1 or 2 (90 days)", "近 90 天 1–2 分评价数"),
    Feature("reopened_90d", "Reopened conversations (90 days)", "近 90 天重新打开的会话"),
    Feature("sla_breaches_90d", "SLA breaches (90 days)", "近 90 天 SLA 违约次数"),
    Feature("wait_mean_90d", "Mean queue wait (90 days)", "近 90 天平均排队等待", "min"),
    Feature("abandoned_90d", "Gave up waiting (90 days)", "近 90 天放弃等待次数"),
    Feature("sentiment_mean_90d", "Mean sentiment (90 days, −1..1)", "近 90 天平均情绪（−1..1）"),
    Feature("negative_90d", "Negative conversations (90 days)", "近 90 天负面会话数"),
    Feature("channels_90d", "Channels used (90 days)", "近 90 天使用的渠道数"),
)
FEATURE_NAMES = tuple(f.name for f in FEATURES)
BY_NAME = {f.name: f for f in FEATURES}


def _events(visits: list[Visit], kind: str, cutoff: datetime) -> list[float | None]:
    return [value for v in visits for k, at, value in v.events if k == kind and at < cutoff]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else NAN


def features_at(history: CustomerHistory, contact_id: int, cutoff: datetime) -> dict[str, float]:
    """The contact's features as of ``cutoff`` (empty if they had no conversation before it)."""
    before = history.visits_between(contact_id, datetime.min.replace(tzinfo=cutoff.tzinfo), cutoff)
    if not before:
        return {}
    recent = [v for v in before if v.created_at >= cutoff - timedelta(days=ACTIVE_DAYS)]
    ratings = [float(r) for r in _events(recent, EventKind.CSAT, cutoff) if r is not None]
    waits = [float(w) / 60 for w in _events(recent, EventKind.ASSIGNED, cutoff) if w is not None]
    sentiments = [v.sentiment for v in recent if v.sentiment is not None]
    day = 86400.0
    return {
        "recency_days": (cutoff - before[-1].created_at).total_seconds() / day,
        "conversations_30d": float(
            sum(1 for v in recent if v.created_at >= cutoff - timedelta(days=30))
        ),
        "conversations_90d": float(len(recent)),
        "tenure_days": (cutoff - before[0].created_at).total_seconds() / day,
        "unresolved": float(
            sum(1 for v in before if v.resolved_at is None or v.resolved_at >= cutoff)
        ),
        "csat_mean_90d": _mean(ratings),
        "low_csat_90d": float(sum(1 for r in ratings if r <= 2)),
        "reopened_90d": float(len(_events(recent, EventKind.REOPENED, cutoff))),
        "sla_breaches_90d": float(len(_events(recent, EventKind.SLA_BREACHED, cutoff))),
        "wait_mean_90d": _mean(waits),
        "abandoned_90d": float(len(_events(recent, EventKind.ABANDONED, cutoff))),
        "sentiment_mean_90d": _mean(sentiments),
        "negative_90d": float(sum(1 for v in recent if v.negative)),
        "channels_90d": float(len({v.channel for v in recent})),
    }


def is_active(features: dict[str, float]) -> bool:
    """Had a conversation in the activity window before the cut-off: the scored population."""
    return bool(features) and features["recency_days"] < ACTIVE_DAYS

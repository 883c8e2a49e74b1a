"""What the console's Sentiment page shows, for a period and filters (inbox, team, channel).

- **trend** (per local day): scored and negative customer messages, their negative share and
  mean score, from the daily rollups of the ``message_scored`` / ``message_negative`` events;
- **shares**: conversations started in the period by their current sentiment label;
- **satisfaction**: the same conversations joined with their CSAT — per label the count, the
  rated count and the mean rating; per week the share of each label and its mean CSAT; and CSAT
  by sentiment band (the conversation's score in five bands from −1 to 1);
- **negative_open**: conversations whose sentiment is negative now and that are not resolved,
  newest turn first, for drill-down.

The conversation-level parts read ``ConversationSentiment`` and ``CsatResponse`` (one row per
conversation each, grouped in the database), never the message table.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncDate

from parley.analytics.metrics import Filters, daily_rows
from parley.analytics.models import ConversationSentiment, EventKind, SentimentLabel
from parley.conversations.models import Status

LABELS = [str(label) for label in SentimentLabel]
# (name, lower bound included, upper bound excluded; the last band includes 1)
BANDS: list[tuple[str, float, float]] = [
    ("very_negative", -1.0, -0.6),
    ("negative", -0.6, -0.2),
    ("neutral", -0.2, 0.2),
    ("positive", 0.2, 0.6),
    ("very_positive", 0.6, 1.0001),
]
OPEN_STATUSES = [Status.BOT, Status.QUEUED, Status.OPEN, Status.PENDING]
NEGATIVE_LIST_LIMIT = 50


def trend(filters: Filters) -> list[dict[str, Any]]:
    rows = daily_rows(filters, kinds=[EventKind.MESSAGE_SCORED, EventKind.MESSAGE_NEGATIVE])
    scored: dict[date, list[float]] = defaultdict(lambda: [0, 0.0])
    negative: dict[date, int] = defaultdict(int)
    for kind, day, _i, _t, _m, _c, count, value_count, value_sum, _h in rows:
        if kind == EventKind.MESSAGE_SCORED:
            scored[day][0] += value_count
            scored[day][1] += value_sum
        else:
            negative[day] += count
    out = []
    day = filters.period.first_day
    while day <= filters.period.last_day:
        n, total = scored.get(day, [0, 0.0])
        out.append(
            {
                "day": day.isoformat(),
                "scored": int(n),
                "negative": negative.get(day, 0),
                "negative_share": round(negative.get(day, 0) / n, 4) if n else None,
                "mean_score": round(total / n, 4) if n else None,
            }
        )
        day += timedelta(days=1)
    return out


def _conversations(filters: Filters) -> QuerySet[ConversationSentiment]:
    rows = ConversationSentiment.objects.filter(
        workspace_id=filters.workspace_id,
        conversation__created_at__gte=filters.period.start,
        conversation__created_at__lt=filters.period.end,
    )
    if filters.inbox_id is not None:
        rows = rows.filter(conversation__inbox_id=filters.inbox_id)
    if filters.team_id is not None:
        rows = rows.filter(conversation__team_id=filters.team_id)
    if filters.member_id is not None:
        rows = rows.filter(conversation__assignee_id=filters.member_id)
    if filters.channel:
        rows = rows.filter(conversation__inbox__kind=filters.channel)
    return rows


def _rated() -> Q:
    return Q(conversation__csat__rating__isnull=False)


def shares(filters: Filters) -> dict[str, Any]:
    counts = {label: 0 for label in LABELS}
    for row in _conversations(filters).values("label").annotate(n=Count("pk")):
        counts[row["label"]] = row["n"]
    total = sum(counts.values())
    return {
        "total": total,
        "counts": counts,
        "shares": {k: round(v / total, 4) if total else None for k, v in counts.items()},
    }


def _csat_stats(n: int, rated: int, mean: float | None, satisfied: int) -> dict[str, Any]:
    return {
        "conversations": n,
        "rated": rated,
        "csat_mean": round(mean, 2) if mean is not None else None,
        # share of ratings of 4 or 5 (the usual "CSAT %")
        "csat_satisfied_share": round(satisfied / rated, 4) if rated else None,
    }


def _aggregates() -> dict[str, Any]:
    return {
        "n": Count("pk"),
        "rated": Count("pk", filter=_rated()),
        "mean": Avg("conversation__csat__rating", filter=_rated()),
        "satisfied": Count("pk", filter=Q(conversation__csat__rating__gte=4)),
    }


def satisfaction(filters: Filters) -> dict[str, Any]:
    """Sentiment joined with CSAT: by label, by band, and by week of the period."""
    rows = _conversations(filters)
    by_label = {label: _csat_stats(0, 0, None, 0) for label in LABELS}
    labelled: list[dict[str, Any]] = [
        dict(r) for r in rows.values("label").annotate(**_aggregates())
    ]
    for row in labelled:
        by_label[row["label"]] = _csat_stats(row["n"], row["rated"], row["mean"], row["satisfied"])
    by_band = []
    for name, low, high in BANDS:
        agg = rows.filter(score__gte=low, score__lt=high).aggregate(**_aggregates())
        by_band.append(
            {
                "band": name,
                "from": low,
                "to": min(high, 1.0),
                **_csat_stats(agg["n"], agg["rated"], agg["mean"], agg["satisfied"]),
            }
        )
    return {"by_label": by_label, "by_band": by_band, "by_week": _by_week(filters, rows)}


def _by_week(filters: Filters, rows: QuerySet[ConversationSentiment]) -> list[dict[str, Any]]:
    """Weeks start on Monday in the workspace's zone (a period's first week may be partial)."""
    zone = ZoneInfo(filters.timezone or "UTC")
    daily: list[dict[str, Any]] = [
        dict(r)
        for r in rows.annotate(day=TruncDate("conversation__created_at", tzinfo=zone))
        .values("day", "label")
        .annotate(**_aggregates())
    ]
    weeks: dict[date, dict[str, list[float]]] = defaultdict(
        lambda: {label: [0, 0, 0.0] for label in LABELS}
    )
    for row in daily:
        week = row["day"] - timedelta(days=row["day"].weekday())
        cell = weeks[week][row["label"]]
        cell[0] += row["n"]
        cell[1] += row["rated"]
        cell[2] += (row["mean"] or 0.0) * row["rated"]
    out = []
    for week in sorted(weeks):
        cells = weeks[week]
        total = sum(c[0] for c in cells.values())
        out.append(
            {
                "week": week.isoformat(),
                "conversations": int(total),
                "labels": {
                    label: {
                        "share": round(c[0] / total, 4) if total else None,
                        "csat_mean": round(c[2] / c[1], 2) if c[1] else None,
                        "rated": int(c[1]),
                    }
                    for label, c in cells.items()
                },
            }
        )
    return out


def negative_open(filters: Filters) -> list[dict[str, Any]]:
    rows = ConversationSentiment.objects.filter(
        workspace_id=filters.workspace_id,
        label=SentimentLabel.NEGATIVE,
        conversation__status__in=OPEN_STATUSES,
    )
    if filters.inbox_id is not None:
        rows = rows.filter(conversation__inbox_id=filters.inbox_id)
    if filters.team_id is not None:
        rows = rows.filter(conversation__team_id=filters.team_id)
    if filters.member_id is not None:
        rows = rows.filter(conversation__assignee_id=filters.member_id)
    if filters.channel:
        rows = rows.filter(conversation__inbox__kind=filters.channel)
    rows = rows.select_related(
        "conversation__inbox", "conversation__contact", "conversation__assignee__user"
    ).order_by("-turned_negative_at", "-pk")[:NEGATIVE_LIST_LIMIT]
    out = []
    for row in rows:
        conversation = row.conversation
        assignee = conversation.assignee
        out.append(
            {
                "conversation": conversation.pk,
                "status": conversation.status,
                "contact": {
                    "id": conversation.contact_id,
                    "name": conversation.contact.display_name,
                },
                "inbox": {"id": conversation.inbox_id, "name": conversation.inbox.name},
                "assignee": {"id": assignee.pk, "name": assignee.name} if assignee else None,
                "score": round(row.score, 3),
                "trend": row.trend,
                "turned_negative_at": row.turned_negative_at.isoformat()
                if row.turned_negative_at
                else None,
                "messages_scored": row.messages_scored,
            }
        )
    return out


def sentiment_overview(filters: Filters) -> dict[str, Any]:
    return {
        "period": {
            "from": filters.period.first_day.isoformat(),
            "to": filters.period.last_day.isoformat(),
        },
        "trend": trend(filters),
        "shares": shares(filters),
        "satisfaction": satisfaction(filters),
    }

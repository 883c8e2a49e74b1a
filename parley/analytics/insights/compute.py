"""Turn a workspace's inputs into the JSON the mining pages show (pure functions: no database).

Each function returns ``(status, result)``: status is empty when there is a result, or a code
saying why not (``not_enough_data``); the result is plain JSON (lists, numbers, strings).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np

from parley.analytics.insights.inputs import CustomerMessage
from parley.analytics.mining.datasets import IntervalSeries
from parley.analytics.mining.forecast import ProfileForecaster, seasonal_naive
from parley.analytics.mining.peaks import choose_clusters, cluster_days
from parley.analytics.mining.rules import mine_rules, rules_as_rows
from parley.analytics.mining.topics import content_words, keywords, topic_model
from parley.privacy.mask import mask_text

NOT_ENOUGH_DATA = "not_enough_data"
Result = tuple[str, dict[str, Any]]

# keywords and topics
WEEKS = 4
TOP_KEYWORDS = 15
MIN_TOPIC_MESSAGES = 20
RISING_RATIO = 2.0  # a word's share this week over its share before
RISING_MIN_MESSAGES = 3
# rules: the floors stored; a page may ask for anything at or above them
RULES_MIN_SUPPORT = 0.01
RULES_MIN_CONFIDENCE = 0.05
RULES_MAX_LENGTH = 3
RULES_KEEP = 2000
# forecast and day shapes
HORIZON_DAYS = 14
HISTORY_DAYS = 16 * 7
MIN_FORECAST_DAYS = 14
BACKTEST_DAYS = 7
COVERAGE = 0.8
MIN_SHAPE_DAYS = 10
DEFAULT_HANDLE_SECONDS = 300.0


def _week_of(day: date, today: date) -> int:
    """0 for the last seven days up to today, 1 for the seven before, …"""
    return (today - day).days // 7


def _snippet(text: str) -> str:
    text = mask_text(" ".join(text.split()))
    return text if len(text) <= 160 else text[:157] + "…"


def _rising_words(
    docs_by_week: dict[int, Counter[str]], sizes: dict[int, int], weeks: int
) -> list[dict[str, Any]]:
    now, before = docs_by_week.get(0, Counter()), Counter[str]()
    for week in range(1, weeks):
        before.update(docs_by_week.get(week, Counter()))
    n_now = sizes.get(0, 0)
    n_before = sum(sizes.get(week, 0) for week in range(1, weeks))
    if not n_now or not n_before:
        return []
    rising: list[dict[str, Any]] = []
    for word, count in now.items():
        if count < RISING_MIN_MESSAGES:
            continue
        # the share before is smoothed by one message, so a word seen once is not "infinite"
        ratio = (count / n_now) / ((before[word] + 1) / n_before)
        if ratio >= RISING_RATIO:
            rising.append(
                {
                    "word": word,
                    "this_week": count,
                    "before_per_week": round(before[word] / (weeks - 1), 2),
                    "ratio": round(ratio, 2),
                    "new": before[word] == 0,
                }
            )
    rising.sort(key=lambda row: (-row["ratio"], -row["this_week"], row["word"]))
    return rising[:10]


def topics_result(
    messages: Sequence[CustomerMessage], *, today: date, weeks: int = WEEKS, topics: int = 8
) -> Result:
    """Keywords of each of the last ``weeks`` weeks, the topics of all their messages with a
    daily volume trend and examples, and what rose this week against the weeks before."""
    first_day = today - timedelta(days=7 * weeks - 1)
    messages = [m for m in messages if first_day <= m.day <= today]
    if len(messages) < MIN_TOPIC_MESSAGES:
        return NOT_ENOUGH_DATA, {"messages": len(messages)}
    by_week: dict[int, list[CustomerMessage]] = defaultdict(list)
    for message in messages:
        by_week[_week_of(message.day, today)].append(message)
    words_of: dict[str, set[str]] = {}
    docs_by_week: dict[int, Counter[str]] = defaultdict(Counter)
    for week, members in by_week.items():
        for message in members:
            if message.body not in words_of:
                words_of[message.body] = set(content_words(message.body))
            docs_by_week[week].update(words_of[message.body])
    sizes = {week: len(members) for week, members in by_week.items()}
    periods = []
    for week in range(weeks):
        start = today - timedelta(days=7 * week + 6)
        members = by_week.get(week, [])
        periods.append(
            {
                "from": start.isoformat(),
                "to": (start + timedelta(days=6)).isoformat(),
                "messages": len(members),
                "keywords": [
                    {"word": k.word, "score": round(k.score, 3), "messages": k.documents}
                    for k in keywords([m.body for m in members], top=TOP_KEYWORDS)
                ],
            }
        )
    model = topic_model(
        [m.body for m in messages], topics=min(topics, max(2, len(messages) // 40)), top_words=8
    )
    days = [
        (first_day + timedelta(days=i)).isoformat() for i in range((today - first_day).days + 1)
    ]
    day_index = {day: i for i, day in enumerate(days)}
    found: list[dict[str, Any]] = []
    for topic in model.topics:
        indices = [i for i, t in enumerate(model.assignments) if t == topic.index]
        if not indices:
            continue
        trend = [0] * len(days)
        weekly = Counter[int]()
        for i in indices:
            trend[day_index[messages[i].day.isoformat()]] += 1
            weekly[_week_of(messages[i].day, today)] += 1
        examples: list[dict[str, Any]] = []
        seen: set[int] = set()
        for i in topic.examples + indices:
            if messages[i].conversation_id in seen:
                continue
            seen.add(messages[i].conversation_id)
            examples.append(
                {
                    "conversation": messages[i].conversation_id,
                    "day": messages[i].day.isoformat(),
                    "text": _snippet(messages[i].body),
                }
            )
            if len(examples) == 3:
                break
        share_now = weekly[0] / max(sizes.get(0, 0), 1)
        before = sum(weekly[w] for w in range(1, weeks))
        share_before = (before + 1) / max(sum(sizes.get(w, 0) for w in range(1, weeks)), 1)
        found.append(
            {
                "id": topic.index,
                "words": [[w, round(weight, 4)] for w, weight in topic.words],
                "messages": len(indices),
                "trend": trend,
                "this_week": weekly[0],
                "ratio": round(share_now / share_before, 2),
                "examples": examples,
            }
        )
    found.sort(key=lambda row: (-row["messages"], row["id"]))
    rising_topics = [
        {"id": row["id"], "words": [w for w, _ in row["words"][:3]], "ratio": row["ratio"]}
        for row in found
        if row["ratio"] >= 1.5 and row["this_week"] >= RISING_MIN_MESSAGES
    ]
    return "", {
        "from": first_day.isoformat(),
        "to": today.isoformat(),
        "messages": len(messages),
        "days": days,
        "periods": periods,
        "topics": found,
        "unassigned": sum(1 for t in model.assignments if t < 0),
        "new_this_week": {
            "keywords": _rising_words(docs_by_week, sizes, weeks),
            "topics": sorted(rising_topics, key=lambda row: -row["ratio"]),
        },
    }


def rules_result(baskets: Sequence[Sequence[str]]) -> Result:
    """Rules at the stored floors (the page filters them further), at most ``RULES_KEEP``."""
    baskets = [b for b in baskets if b]
    if len(baskets) < 10:
        return NOT_ENOUGH_DATA, {"conversations": len(baskets)}
    min_support = max(RULES_MIN_SUPPORT, 2 / len(baskets))
    rules = mine_rules(
        baskets,
        min_support=min_support,
        min_confidence=RULES_MIN_CONFIDENCE,
        min_lift=0.0,
        max_length=RULES_MAX_LENGTH,
    )
    items = Counter(item for basket in baskets for item in basket)
    kinds = Counter(item.split(":", 1)[0] for item in items)
    return "", {
        "conversations": len(baskets),
        "floors": {"min_support": round(min_support, 6), "min_confidence": RULES_MIN_CONFIDENCE},
        "items": dict(sorted(kinds.items())),
        "truncated": len(rules) > RULES_KEEP,
        "rules": rules_as_rows(rules[:RULES_KEEP]),
    }


def _days_with(series: IntervalSeries) -> list[date]:
    totals: dict[date, float] = defaultdict(float)
    for start, count in zip(series.starts, series.counts, strict=True):
        totals[start.date()] += count
    return sorted(day for day, total in totals.items() if total > 0)


def _until(series: IntervalSeries, day: date) -> IntervalSeries:
    return series.subset([start.date() < day for start in series.starts])


def _hours(first: date, days: int) -> list[datetime]:
    return [
        datetime.combine(first + timedelta(days=d), time(h)) for d in range(days) for h in range(24)
    ]


def _floats(values: np.ndarray) -> list[float]:
    return [round(float(v), 3) for v in values]


def forecast_result(
    series: IntervalSeries, *, now: datetime, handle_seconds: float | None
) -> Result:
    """``series``: hourly counts of whole past days, then today so far; ``now`` is the local
    clock time (naive). Forecasts today and the next 13 days; backtests the model against
    seasonal naive on the last week."""
    today = now.date()
    history = _until(series, today)
    active = _days_with(history)
    if len(active) < MIN_FORECAST_DAYS:
        return NOT_ENOUGH_DATA, {"days": len(active)}
    history = history.subset([s.date() >= active[0] for s in history.starts])
    forecaster = ProfileForecaster().fit(history)
    starts = _hours(today, HORIZON_DAYS)
    forecast = forecaster.predict(starts, coverage=COVERAGE)
    backtest = None
    test_from = today - timedelta(days=BACKTEST_DAYS)
    train = _until(history, test_from)
    if len(_days_with(train)) >= MIN_FORECAST_DAYS:
        test = history.subset([s.date() >= test_from for s in history.starts])
        actual = np.asarray(test.counts, dtype=float)
        point = ProfileForecaster().fit(train).predict(test.starts).point
        mae = float(np.abs(actual - point).mean())
        naive_mae = float(np.abs(actual - seasonal_naive(train, test.starts)).mean())
        backtest = {
            "from": test_from.isoformat(),
            "to": (today - timedelta(days=1)).isoformat(),
            "mae": round(mae, 4),
            "naive_mae": round(naive_mae, 4),
            "improvement": round(1 - mae / naive_mae, 4) if naive_mae > 0 else None,
        }
    recent_from = today - timedelta(days=BACKTEST_DAYS)
    # the last week's hours and today's finished ones, shown beside the forecast
    recent = [
        (s, c)
        for s, c in zip(series.starts, series.counts, strict=True)
        if s.date() >= recent_from and s + timedelta(minutes=60) <= now
    ]
    settings = forecaster.settings
    return "", {
        "interval_minutes": 60,
        "coverage": COVERAGE,
        "history_from": active[0].isoformat(),
        "history_days": len(active),
        "starts": [s.isoformat(timespec="minutes") for s in starts],
        "mean": _floats(forecast.mean),
        "point": _floats(forecast.point),
        "lower": _floats(forecast.lower),
        "upper": _floats(forecast.upper),
        "actual": {
            "starts": [s.isoformat(timespec="minutes") for s, _ in recent],
            "counts": [c for _, c in recent],
        },
        "backtest": backtest,
        "model": {
            "shape_weeks": settings.shape_weeks,
            "level_weeks": settings.level_weeks,
            "smoothing": settings.smoothing,
            "dispersion": round(forecaster.dispersion, 4),
        },
        "handle_seconds": round(handle_seconds or DEFAULT_HANDLE_SECONDS, 1),
        "handle_observed": handle_seconds is not None,
    }


def day_shapes_result(series: IntervalSeries) -> Result:
    """The typical day profiles of the days with contacts (k chosen by silhouette)."""
    active = _days_with(series)
    if len(active) < MIN_SHAPE_DAYS:
        return NOT_ENOUGH_DATA, {"days": len(active)}
    clusters = choose_clusters(series, candidates=range(2, min(6, len(active) // 3) + 1))
    shapes = cluster_days(series, clusters=clusters, peaks=3)
    return "", {
        "from": active[0].isoformat(),
        "to": active[-1].isoformat(),
        "days": len(active),
        "slots": [slot.strftime("%H:%M") for slot in shapes.slots],
        "shapes": [
            {
                "id": shape.index,
                "days": len(shape.dates),
                "dates": [d.isoformat() for d in shape.dates],
                "profile": [round(v, 5) for v in shape.profile],
                "peak_hours": [slot.strftime("%H:%M") for slot in shape.peak_slots],
                "mean_total": round(shape.mean_total, 1),
                "weekdays": {str(k): v for k, v in shape.weekdays.items()},
            }
            for shape in shapes.shapes
        ],
    }

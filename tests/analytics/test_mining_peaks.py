"""k-means recovers two generated day shapes."""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta

import numpy as np

from parley.analytics.mining.datasets import IntervalSeries
from parley.analytics.mining.peaks import choose_clusters, cluster_days


def two_shapes(days: int = 28) -> IntervalSeries:
    """Weekdays peak at 10:00, weekends at 20:00; daily totals vary a lot."""
    rng = np.random.default_rng(5)
    starts, counts = [], []
    for day in range(days):
        date = datetime(2024, 1, 1) + timedelta(days=day)
        peak = 20 if date.weekday() >= 5 else 10
        size = rng.uniform(20, 200)
        for hour in range(24):
            starts.append(date + timedelta(hours=hour))
            counts.append(float(rng.poisson(size * math.exp(-((hour - peak) ** 2) / 4))))
    return IntervalSeries(starts=starts, counts=counts, header=[], rows=[])


def test_weekday_and_weekend_shapes_are_recovered() -> None:
    shapes = cluster_days(two_shapes(), clusters=2)

    weekday, weekend = shapes.shapes  # largest cluster first
    assert set(weekday.weekdays) == {0, 1, 2, 3, 4} and sum(weekday.weekdays.values()) == 20
    assert set(weekend.weekdays) == {5, 6}
    assert weekday.peak_slots[0] == time(10) and weekend.peak_slots[0] == time(20)
    assert math.isclose(sum(weekday.profile), 1.0)


def test_silhouette_picks_two_clusters() -> None:
    assert choose_clusters(two_shapes(), candidates=range(2, 5)) == 2

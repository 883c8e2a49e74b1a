"""Typical day shapes: k-means over each day's intraday profile.

Each day becomes its share of the day's contacts per slot (the profile sums to 1), so a busy
Monday and a quiet Monday with the same shape fall together — the question is *when* peaks
come, not how big the day was (the cluster's mean day total says that). Days with no contacts
are left out. k-means (several seeded starts) groups the profiles; each cluster reports its
mean shape, its peak slots and which weekdays it holds. ``choose_clusters`` picks k by the
silhouette score when the caller has no opinion.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, time

import numpy as np
from sklearn.cluster import KMeans  # type: ignore[import-untyped]
from sklearn.metrics import silhouette_score  # type: ignore[import-untyped]

from parley.analytics.mining.datasets import DayMatrix, IntervalSeries


@dataclass(frozen=True)
class DayShape:
    index: int
    dates: list[date]
    profile: list[float]  # mean share of the day's contacts per slot
    peak_slots: list[time]  # the busiest slots, busiest first
    mean_total: float
    weekdays: dict[int, int]  # weekday (0 = Monday) → days in this cluster


@dataclass(frozen=True)
class DayShapes:
    slots: list[time]
    shapes: list[DayShape]  # largest cluster first


def _profiles(days: DayMatrix) -> tuple[list[date], np.ndarray, np.ndarray]:
    totals = days.counts.sum(axis=1)
    keep = totals > 0
    profiles = days.counts[keep] / totals[keep, None]
    dates = [day for day, kept in zip(days.dates, keep, strict=True) if kept]
    return dates, profiles, totals[keep]


def cluster_days(
    series: IntervalSeries, *, clusters: int, peaks: int = 3, seed: int = 0
) -> DayShapes:
    days = DayMatrix.of(series)
    dates, profiles, totals = _profiles(days)
    if len(dates) < clusters:
        raise ValueError("fewer days with contacts than clusters")
    model = KMeans(n_clusters=clusters, n_init=10, random_state=seed).fit(profiles)
    labels = model.labels_
    shapes = []
    for index in range(clusters):
        members = np.flatnonzero(labels == index)
        profile = profiles[members].mean(axis=0)
        shapes.append(
            DayShape(
                index=index,
                dates=[dates[i] for i in members],
                profile=[float(value) for value in profile],
                peak_slots=[days.slots[i] for i in np.argsort(-profile, kind="stable")[:peaks]],
                mean_total=float(totals[members].mean()),
                weekdays=dict(sorted(Counter(dates[i].weekday() for i in members).items())),
            )
        )
    shapes.sort(key=lambda shape: (-len(shape.dates), shape.dates[0]))
    return DayShapes(slots=days.slots, shapes=shapes)


def choose_clusters(
    series: IntervalSeries, *, candidates: range = range(2, 7), seed: int = 0
) -> int:
    """The k in ``candidates`` with the best silhouette score."""
    _, profiles, _ = _profiles(DayMatrix.of(series))
    best, best_score = candidates.start, -1.0
    for k in candidates:
        if k >= len(profiles):
            break
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(profiles)
        score = float(silhouette_score(profiles, labels))
        if score > best_score:
            best, best_score = k, score
    return best

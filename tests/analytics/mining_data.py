"""Generated inputs for the mining tests: call-count series with known shapes, and the files
the evaluation commands read."""

from __future__ import annotations

import csv
import math
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from parley.analytics.mining.datasets import IntervalSeries


def weekly_series(
    *, weeks: int, slots: int = 48, weekdays_only: bool = False, seed: int = 1
) -> IntervalSeries:
    """Poisson counts, half-hour slots round the clock: a morning and an afternoon peak, busier
    early in the week, a small upward trend. Starts on a Monday."""
    rng = np.random.default_rng(seed)
    first = datetime(2024, 1, 1)
    step = timedelta(days=1) / slots
    starts, counts = [], []
    for day in range(weeks * 7):
        date = first + timedelta(days=day)
        if weekdays_only and date.weekday() >= 5:
            continue
        level = (1.0 + 0.3 * (date.weekday() < 2)) * (0.3 if date.weekday() >= 5 else 1)
        level *= 1 + 0.002 * day
        for slot in range(slots):
            hour = slot * 24 / slots
            shape = math.exp(-((hour - 10) ** 2) / 4) + 0.7 * math.exp(-((hour - 15) ** 2) / 6)
            starts.append(date + slot * step)
            counts.append(float(rng.poisson(40 * level * shape + 0.5)))
    return IntervalSeries(starts=starts, counts=counts, header=[], rows=[])


def write_series(path: Path, series: IntervalSeries) -> None:
    """In the 5-minute file's format (``DateTime,Calls``)."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["DateTime", "Calls"])
        for start, count in zip(series.starts, series.counts, strict=True):
            writer.writerow([start.strftime("%Y-%m-%d %H:%M"), int(count)])


POSITIVE = [
    "很好吃，送得很快，下次还点",
    "味道不错，分量足，好评",
    "服务很好，快递员很热情",
    "great service, very happy with the fast delivery",
    "love it, excellent quality and friendly staff",
    "good food, quick delivery, will order again",
]
NEGATIVE = [
    "太难吃了，送了两个小时，差评",
    "菜都凉了，态度很差，再也不点了",
    "送错了，打电话也没人管，失望",
    "terrible service, the food arrived cold and late",
    "awful, rude driver and the order was wrong",
    "bad experience, never again, very disappointed",
]


def labelled_rows(copies: int = 6) -> list[tuple[str, str]]:
    """(label, review) rows; each text varied by a number so no two rows are identical."""
    rows = []
    for n in range(copies):
        rows += [("1", f"{text} {n}") for text in POSITIVE]
        rows += [("0", f"{text} {n}") for text in NEGATIVE]
    return rows

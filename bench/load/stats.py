"""Summaries of latency samples: percentiles by the nearest-rank method, in milliseconds."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def percentile(samples: Sequence[float], p: float) -> float | None:
    """The nearest-rank percentile (p in 0..100) of ``samples``, or None when there are none."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(samples: Sequence[float]) -> dict[str, Any]:
    ordered = sorted(samples)

    def at(p: float) -> float | None:
        value = percentile(ordered, p)
        return None if value is None else round(value, 2)

    return {
        "count": len(ordered),
        "p50": at(50),
        "p90": at(90),
        "p99": at(99),
        "max": round(ordered[-1], 2) if ordered else None,
    }

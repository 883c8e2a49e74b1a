"""A mergeable log-scale histogram for durations and ratings, so rollups answer percentiles.

Why a histogram and not sorted samples: a bucket's samples grow with traffic and a period's
percentile would need every sample of every bucket; a histogram has a bounded size (at most
~170 bins for 0 s to a year), two histograms merge by adding counts, and any percentile of any
period is read from the summed bins. The price is precision: bins grow by 10%, so a percentile
is within 5% of the exact value (the bin's geometric middle is reported). Values below 1 (a
rating of 0 never occurs; sub-second durations) share bin 0 and are reported as 0.5.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

GROWTH = 1.1
_LOG = math.log(GROWTH)


def bin_of(value: float) -> int:
    if value < 1:
        return 0
    return 1 + int(math.log(value) / _LOG)


def bin_value(index: int) -> float:
    """The representative value of a bin: the geometric middle of its bounds."""
    if index == 0:
        return 0.5
    low = GROWTH ** (index - 1)
    return low * math.sqrt(GROWTH)


def hist_of(values: Iterable[float]) -> dict[str, int]:
    out: dict[str, int] = {}
    for value in values:
        key = str(bin_of(value))
        out[key] = out.get(key, 0) + 1
    return out


def hist_merge(target: dict[str, int], other: Mapping[str, int]) -> dict[str, int]:
    for key, count in other.items():
        target[key] = target.get(key, 0) + count
    return target


def hist_percentile(hist: Mapping[str, int], q: float) -> float | None:
    """The q-th percentile (0-100) by the nearest-rank rule, or None when empty."""
    total = sum(hist.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(q / 100 * total))
    seen = 0
    for key in sorted(hist, key=int):
        seen += hist[key]
        if seen >= rank:
            return bin_value(int(key))
    return None  # unreachable: seen reaches total

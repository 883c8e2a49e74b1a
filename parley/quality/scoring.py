"""The arithmetic of a review, apart from the database so it can be checked on its own.

Each criterion is scored from 0 to its ``max_score`` (1 for pass/fail). The total is the
weighted mean of the criteria's fractions, from 0 to 100:

    score = 100 × Σ(weight × score / max_score) / Σ weight

A *critical* criterion scored 0 (failed) makes the total 0 whatever the others: some mistakes
(a wrong refund promised, private data disclosed) cannot be made up for by politeness.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScoredCriterion:
    weight: int
    max_score: int
    score: int
    critical: bool = False


@dataclass(frozen=True)
class ReviewTotal:
    score: float
    critical_failed: bool


def review_total(criteria: list[ScoredCriterion]) -> ReviewTotal:
    total_weight = sum(c.weight for c in criteria)
    if total_weight <= 0:
        raise ValueError("A scorecard needs a positive total weight.")
    critical_failed = any(c.critical and c.score == 0 for c in criteria)
    if critical_failed:
        return ReviewTotal(score=0.0, critical_failed=True)
    earned = sum(c.weight * c.score / c.max_score for c in criteria)
    return ReviewTotal(score=round(100 * earned / total_weight, 2), critical_failed=False)

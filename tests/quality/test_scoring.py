"""The weighted total of a review and critical criteria."""

from __future__ import annotations

import pytest

from parley.quality.scoring import ScoredCriterion, review_total


def test_total_is_the_weighted_mean_of_fractions() -> None:
    # given: weight 1 passed (1/1), weight 3 at 2 of 4, weight 1 passed
    criteria = [
        ScoredCriterion(weight=1, max_score=1, score=1),
        ScoredCriterion(weight=3, max_score=4, score=2),
        ScoredCriterion(weight=1, max_score=1, score=1, critical=True),
    ]
    # when / then: 100 × (1 + 3 × 0.5 + 1) / 5 = 70
    total = review_total(criteria)
    assert total.score == 70.0
    assert total.critical_failed is False


def test_full_marks_are_100_and_nothing_is_0() -> None:
    assert review_total([ScoredCriterion(2, 5, 5), ScoredCriterion(1, 1, 1)]).score == 100.0
    assert review_total([ScoredCriterion(2, 5, 0), ScoredCriterion(1, 1, 0)]).score == 0.0


def test_total_is_rounded_to_two_decimals() -> None:
    # 100 × (1 × 1/3) / 1
    assert review_total([ScoredCriterion(1, 3, 1)]).score == 33.33


def test_a_failed_critical_criterion_zeroes_the_total() -> None:
    criteria = [
        ScoredCriterion(weight=5, max_score=4, score=4),
        ScoredCriterion(weight=1, max_score=1, score=0, critical=True),
    ]
    total = review_total(criteria)
    assert total.score == 0.0
    assert total.critical_failed is True


def test_a_critical_criterion_partly_met_is_not_failed() -> None:
    # A critical 0–4 criterion scored 1 counts normally: only 0 is a failure.
    total = review_total([ScoredCriterion(weight=1, max_score=4, score=1, critical=True)])
    assert total.score == 25.0
    assert total.critical_failed is False


def test_no_weight_is_refused() -> None:
    with pytest.raises(ValueError):
        review_total([])

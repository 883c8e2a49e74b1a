"""Association rules on a basket small enough to work out by hand."""

from __future__ import annotations

import pytest

from parley.analytics.mining.rules import mine_rules, rules_as_rows

# Five conversations' tags. By hand: support(angry) = 2/5, support(late) = 4/5,
# support(refund) = 4/5, support(angry, late) = 2/5, support(refund, late) = 3/5.
BASKETS = [
    ["refund", "late"],
    ["refund", "late", "angry"],
    ["refund"],
    ["late", "angry"],
    ["refund", "late"],
]


def test_the_rule_and_its_measures_match_the_hand_computation() -> None:
    rules = mine_rules(BASKETS, min_support=0.3, min_confidence=0.7, min_lift=1.0)

    # angry → late: support 2/5, confidence (2/5)/(2/5) = 1, lift 1/(4/5) = 1.25.
    # late → angry has confidence 1/2; refund ↔ late has lift 0.9375 < 1.
    assert len(rules) == 1
    rule = rules[0]
    assert (rule.antecedent, rule.consequent) == (("angry",), ("late",))
    assert rule.support == pytest.approx(0.4)
    assert rule.confidence == pytest.approx(1.0)
    assert rule.lift == pytest.approx(1.25)
    assert rule.count == 2


def test_lower_thresholds_bring_more_rules_sorted_by_lift() -> None:
    rules = mine_rules(BASKETS, min_support=0.3, min_confidence=0.5, min_lift=0)

    pairs = {(r.antecedent, r.consequent): r for r in rules}
    assert pairs[(("refund",), ("late",))].confidence == pytest.approx(0.75)
    assert pairs[(("refund",), ("late",))].lift == pytest.approx(0.9375)
    assert pairs[(("late",), ("angry",))].confidence == pytest.approx(0.5)
    assert [r.lift for r in rules] == sorted((r.lift for r in rules), reverse=True)


def test_rows_are_plain_data() -> None:
    rows = rules_as_rows(mine_rules(BASKETS, min_support=0.3, min_confidence=0.7))

    assert rows == [
        {
            "antecedent": ["angry"],
            "consequent": ["late"],
            "support": 0.4,
            "confidence": 1.0,
            "lift": 1.25,
            "count": 2,
        }
    ]


def test_nothing_frequent_gives_no_rules() -> None:
    assert mine_rules([["a"], ["b"], []], min_support=0.9) == []
    assert mine_rules([], min_support=0.5) == []
    with pytest.raises(ValueError):
        mine_rules(BASKETS, min_support=0)

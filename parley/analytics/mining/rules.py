"""Association rules over conversations' tags, intents, topics and products.

Each conversation is a transaction (the set of its labels); FP-growth (mlxtend) finds the
itemsets present in at least ``min_support`` of them without generating candidates, and
every rule A → B drawn from them is kept when

* support    = share of transactions holding A ∪ B            ≥ ``min_support``
* confidence = support(A ∪ B) / support(A)                     ≥ ``min_confidence``
* lift       = confidence / support(B)                          ≥ ``min_lift``

Lift above 1 means A and B come together more often than chance would put them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd  # type: ignore[import-untyped]  # pandas ships no type hints
from mlxtend.frequent_patterns import (  # type: ignore[import-untyped]
    association_rules,
    fpgrowth,
)
from mlxtend.preprocessing import TransactionEncoder  # type: ignore[import-untyped]


@dataclass(frozen=True)
class Rule:
    antecedent: tuple[str, ...]
    consequent: tuple[str, ...]
    support: float
    confidence: float
    lift: float
    count: int  # transactions holding antecedent and consequent together


def mine_rules(
    transactions: Iterable[Iterable[str]],
    *,
    min_support: float = 0.05,
    min_confidence: float = 0.5,
    min_lift: float = 1.0,
    max_length: int | None = 4,
) -> list[Rule]:
    """Rules sorted by lift, then confidence, then support (highest first)."""
    if not 0 < min_support <= 1 or not 0 <= min_confidence <= 1 or min_lift < 0:
        raise ValueError("min_support in (0, 1], min_confidence in [0, 1], min_lift ≥ 0")
    baskets = [sorted({str(item) for item in basket}) for basket in transactions]
    baskets = [basket for basket in baskets if basket]
    if not baskets:
        return []
    encoder = TransactionEncoder()
    table = pd.DataFrame(encoder.fit(baskets).transform(baskets), columns=encoder.columns_)
    itemsets = fpgrowth(table, min_support=min_support, use_colnames=True, max_len=max_length)
    if itemsets.empty:
        return []
    found = association_rules(
        itemsets, num_itemsets=len(baskets), metric="confidence", min_threshold=min_confidence
    )
    rules = [
        _rule(row, len(baskets))
        for row in found.to_dict("records")
        if float(row["lift"]) >= min_lift
    ]
    return sorted(rules, key=lambda r: (-r.lift, -r.confidence, -r.support, r.antecedent))


def _rule(row: dict[str, Any], total: int) -> Rule:
    return Rule(
        antecedent=tuple(sorted(row["antecedents"])),
        consequent=tuple(sorted(row["consequents"])),
        support=float(row["support"]),
        confidence=float(row["confidence"]),
        lift=float(row["lift"]),
        count=round(float(row["support"]) * total),
    )


def rules_as_rows(rules: Sequence[Rule]) -> list[dict[str, object]]:
    """Plain dictionaries for an API response or a CSV export."""
    return [
        {
            "antecedent": list(rule.antecedent),
            "consequent": list(rule.consequent),
            "support": round(rule.support, 6),
            "confidence": round(rule.confidence, 6),
            "lift": round(rule.lift, 6),
            "count": rule.count,
        }
        for rule in rules
    ]

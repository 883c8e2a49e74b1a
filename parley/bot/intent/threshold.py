"""Choosing the confidence below which the bot says "I don't know".

A refusal costs little (the bot offers choices or a person); a confident wrong answer costs a
customer. Yet a threshold set too high refuses questions the model knows. The rule: take the
validation questions the model answers correctly, and set the threshold at the confidence that
refuses ``budget`` of them (by default 2 %, the lowest-confidence ones). Every question below
it — many wrong answers and out-of-scope questions — is refused. (A 10 % budget refused 92 % of
CLINC150's out-of-scope questions but cost 9 points of in-scope accuracy.) It needs no out-of-scope
examples, so it works for a workspace's FAQs as well as for CLINC150; when the validation split
does have ``oos`` examples, their recall is reported beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from parley.bot.intent.model import Prediction

REFUSAL_BUDGET = 0.02
OOS_LABEL = "oos"


@dataclass(frozen=True)
class TunedThreshold:
    threshold: float
    validation_examples: int
    validation_in_scope_accuracy: float
    validation_oos_recall: float | None

    def as_metrics(self) -> dict[str, Any]:
        metrics: dict[str, Any] = {
            "validation_examples": self.validation_examples,
            "validation_in_scope_accuracy": round(self.validation_in_scope_accuracy, 4),
        }
        if self.validation_oos_recall is not None:
            metrics["validation_oos_recall"] = round(self.validation_oos_recall, 4)
        return metrics


def tune_threshold(
    predictions: Sequence[Prediction], labels: Sequence[str], *, budget: float = REFUSAL_BUDGET
) -> TunedThreshold:
    """``predictions`` were made with threshold 0 (only the ``oos`` class refuses)."""
    right = [
        p.confidence
        for p, gold in zip(predictions, labels, strict=True)
        if gold != OOS_LABEL and p.label == gold
    ]
    threshold = float(np.quantile(right, budget, method="lower")) if right else 0.0
    answered = [p.label if p.label and p.confidence >= threshold else None for p in predictions]
    in_scope = [(a, gold) for a, gold in zip(answered, labels, strict=True) if gold != OOS_LABEL]
    oos = [a for a, gold in zip(answered, labels, strict=True) if gold == OOS_LABEL]
    return TunedThreshold(
        threshold=threshold,
        validation_examples=len(labels),
        validation_in_scope_accuracy=(
            sum(a == gold for a, gold in in_scope) / len(in_scope) if in_scope else 0.0
        ),
        validation_oos_recall=sum(a is None for a in oos) / len(oos) if oos else None,
    )

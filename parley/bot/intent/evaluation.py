"""Figures of an intent model on labelled test examples, as ``parley bot eval`` prints them.

A refusal (``Prediction.label is None``) counts as predicting ``oos``: right for an
out-of-scope question, wrong for any other. Latency is one ``predict`` call per query, the way
the bot calls it for each customer message.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import f1_score  # type: ignore[import-untyped]

from parley.bot.intent.model import OOS_LABEL, IntentModel


def evaluate(
    model: IntentModel, texts: Sequence[str], labels: Sequence[str], *, latency_sample: int = 1000
) -> dict[str, float]:
    predictions = model.predict_many(texts)
    predicted = np.array([p.label or OOS_LABEL for p in predictions], dtype=object)
    gold = np.array(labels, dtype=object)
    in_scope = gold != OOS_LABEL
    figures = {
        "accuracy": float(np.mean(predicted == gold)),
        "macro_f1": float(f1_score(gold, predicted, average="macro", zero_division=0)),
        "in-scope accuracy": float(np.mean(predicted[in_scope] == gold[in_scope])),
    }
    if (~in_scope).any():
        refused = predicted == OOS_LABEL
        figures["oos precision"] = (
            float(np.mean(gold[refused] == OOS_LABEL)) if refused.any() else 0.0
        )
        figures["oos recall"] = float(np.mean(refused[~in_scope]))
    figures["refused"] = float(np.mean(predicted == OOS_LABEL))
    figures["threshold"] = model.threshold
    timings = []
    for text in list(texts)[:latency_sample]:
        started = time.perf_counter()
        model.predict(text)
        timings.append((time.perf_counter() - started) * 1000)
    figures["latency p50 ms"] = float(np.percentile(timings, 50))
    figures["latency p99 ms"] = float(np.percentile(timings, 99))
    return figures


def format_figures(figures: dict[str, float]) -> list[str]:
    return [
        f"{name}: {value:.2f}" if name.startswith("latency") else f"{name}: {value:.4f}"
        for name, value in figures.items()
    ]

"""The intent model: a scikit-learn classifier with calibrated confidence and a refusal threshold.

Training (``IntentModel.train``):

1. A stratified validation split (15 %) is carved from the training examples, with a fixed seed.
2. The pipeline is fitted on the rest and scores the validation split; the refusal threshold is
   the confidence below which it would refuse at most ``REFUSAL_BUDGET`` of the validation
   questions it answers correctly (``threshold.py``). Out-of-scope examples, labelled ``oos``,
   are learnt as a class of their own and refused whatever their confidence.
3. The pipeline is fitted again on every example, and keeps that threshold.

With too few examples for a validation split (a new workspace with a handful of FAQs), the
threshold is ``DEFAULT_THRESHOLD``. Confidence is the probability of the best intent from
Platt-calibrated one-vs-rest linear SVMs (cross-validated, ``CalibratedClassifierCV``) when every
intent has at least three examples, else from a logistic regression.
"""

from __future__ import annotations

import io
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import joblib  # type: ignore[import-untyped]
import numpy as np
import sklearn  # type: ignore[import-untyped]
from sklearn.calibration import CalibratedClassifierCV  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.model_selection import train_test_split  # type: ignore[import-untyped]
from sklearn.pipeline import Pipeline  # type: ignore[import-untyped]
from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

from parley.bot.intent.features import text_features
from parley.bot.intent.threshold import REFUSAL_BUDGET, tune_threshold

# Bump when the pickled layout changes; a stored model of another format must be retrained.
FORMAT_VERSION = 1
OOS_LABEL = "oos"
DEFAULT_THRESHOLD = 0.3
VALIDATION_FRACTION = 0.15
MIN_VALIDATION_EXAMPLES = 20
ALTERNATIVES = 3


class IntentTrainingError(ValueError):
    """The examples cannot make a model (fewer than two intents, empty text)."""


class IncompatibleModelError(ValueError):
    """A stored artifact was written by another format or scikit-learn version."""


@dataclass(frozen=True)
class Alternative:
    label: str
    confidence: float


@dataclass(frozen=True)
class Prediction:
    label: str | None  # None: out of scope or not sure enough — the bot says it does not know
    confidence: float  # of the best in-scope intent, 0..1
    alternatives: tuple[Alternative, ...] = field(default=())  # best in-scope intents, best first


def _classifier(labels: Sequence[str]) -> Any:
    fewest = min(Counter(labels).values())
    if fewest >= 3:
        return CalibratedClassifierCV(LinearSVC(C=1.0), method="sigmoid", cv=3)
    return LogisticRegression(C=20.0, max_iter=2000)


def _fit(texts: Sequence[str], labels: Sequence[str]) -> Pipeline:
    pipeline = Pipeline([("features", text_features()), ("classify", _classifier(labels))])
    pipeline.fit(list(texts), list(labels))
    return pipeline


def _check(texts: Sequence[str], labels: Sequence[str]) -> None:
    if len(texts) != len(labels):
        raise IntentTrainingError("texts and labels differ in length")
    if any(not text.strip() for text in texts) or any(not label for label in labels):
        raise IntentTrainingError("every example needs a text and a label")
    if len(set(labels) - {OOS_LABEL}) < 2:
        raise IntentTrainingError("at least two intents are needed")


def _validation_split(
    texts: Sequence[str], labels: Sequence[str], seed: int
) -> tuple[list[str], list[str], list[str], list[str]] | None:
    counts = Counter(labels)
    # Intents with a single example stay in training; the rest are split stratified.
    splittable = [i for i, label in enumerate(labels) if counts[label] >= 2]
    size = round(len(splittable) * VALIDATION_FRACTION)
    if size < max(MIN_VALIDATION_EXAMPLES, len({labels[i] for i in splittable})):
        return None
    train_rows, held_rows = train_test_split(
        splittable,
        test_size=size,
        stratify=[labels[i] for i in splittable],
        random_state=seed,
    )
    train_rows = sorted({*train_rows, *(i for i in range(len(labels)) if counts[labels[i]] < 2)})
    return (
        [texts[i] for i in train_rows],
        [labels[i] for i in train_rows],
        [texts[i] for i in held_rows],
        [labels[i] for i in held_rows],
    )


class IntentModel:
    def __init__(self, *, pipeline: Pipeline, threshold: float, metrics: dict[str, Any]) -> None:
        self.pipeline = pipeline
        self.threshold = threshold
        self.metrics = metrics
        classes = [str(label) for label in pipeline.classes_]
        self._classes = np.array(classes, dtype=object)
        self._in_scope = np.array([label != OOS_LABEL for label in classes])

    @property
    def labels(self) -> list[str]:
        return [str(label) for label in self._classes[self._in_scope]]

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        threshold: float | None = None,
        seed: int = 0,
    ) -> IntentModel:
        """Fit on ``texts``/``labels``; ``threshold=None`` tunes it on a validation split."""
        _check(texts, labels)
        started = time.monotonic()
        metrics: dict[str, Any] = {"examples": len(texts), "intents": len(set(labels))}
        if threshold is None:
            split = _validation_split(texts, labels, seed)
            if split is None:
                threshold = DEFAULT_THRESHOLD
                metrics["threshold_source"] = "default"
            else:
                fit_texts, fit_labels, held_texts, held_labels = split
                probe = cls(pipeline=_fit(fit_texts, fit_labels), threshold=0.0, metrics={})
                tuned = tune_threshold(
                    probe.predict_many(held_texts), held_labels, budget=REFUSAL_BUDGET
                )
                threshold = tuned.threshold
                metrics.update(tuned.as_metrics())
                metrics["threshold_source"] = "validation"
        else:
            metrics["threshold_source"] = "given"
        model = cls(pipeline=_fit(texts, labels), threshold=threshold, metrics=metrics)
        metrics["threshold"] = round(threshold, 4)
        metrics["train_seconds"] = round(time.monotonic() - started, 2)
        return model

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        probabilities = self.pipeline.predict_proba(list(texts))
        return [self._prediction(row) for row in probabilities]

    def _prediction(self, row: np.ndarray) -> Prediction:
        in_scope = np.where(self._in_scope, row, -1.0)
        best = np.argsort(-in_scope)[:ALTERNATIVES]
        alternatives = tuple(
            Alternative(label=str(self._classes[i]), confidence=round(float(row[i]), 4))
            for i in best
            if self._in_scope[i]
        )
        top = int(np.argmax(row))
        confidence = alternatives[0].confidence if alternatives else 0.0
        refused = not self._in_scope[top] or confidence < self.threshold
        label = None if refused or not alternatives else alternatives[0].label
        return Prediction(label=label, confidence=confidence, alternatives=alternatives)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        payload = {"format": FORMAT_VERSION, "sklearn": sklearn.__version__, "model": self}
        joblib.dump(payload, buffer, compress=3)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> IntentModel:
        # Artifacts are pickles written by Parley itself into its own database; never load one
        # from elsewhere. Version mismatches are refused rather than half-loaded.
        payload = joblib.load(io.BytesIO(data))
        if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
            raise IncompatibleModelError("the stored intent model has another format")
        if payload.get("sklearn") != sklearn.__version__:
            raise IncompatibleModelError("the stored intent model needs another scikit-learn")
        model = payload["model"]
        if not isinstance(model, cls):
            raise IncompatibleModelError("the stored artifact is not an intent model")
        return model

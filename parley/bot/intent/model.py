"""The intent model: a scikit-learn classifier with calibrated confidence and a refusal threshold.

Training (``IntentModel.train``):

1. The pipeline is fitted on every example. On the way, the classifier predicts each example
   with a model fitted on the other folds (3-fold, stratified, fixed seed): held-out
   predictions on validation data carved from the training data, never from the test data.
2. The refusal threshold is the confidence below which the model would refuse
   ``REFUSAL_BUDGET`` of the held-out questions it got right (``threshold.py``). Out-of-scope
   examples, labelled ``oos``, are learnt as a class of their own and refused whatever their
   confidence.

With too few examples for folds (an intent with fewer than three, as in a new workspace), the
threshold is ``DEFAULT_THRESHOLD``. Confidence is the probability of the best intent from
temperature-scaled one-vs-rest linear SVMs (``classifier.py``) when every intent has at least
three examples, else from a logistic regression.
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
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.pipeline import Pipeline  # type: ignore[import-untyped]

from parley.bot.intent.classifier import FOLDS, TemperatureScaledSVC
from parley.bot.intent.encoder import sentence_encoder
from parley.bot.intent.features import SentenceEmbedding, text_features
from parley.bot.intent.threshold import REFUSAL_BUDGET, tune_threshold
from parley.bot.nlp.tokenize import tokenize

# Bump when the pickled layout changes; a stored model of another format must be retrained.
FORMAT_VERSION = 1
OOS_LABEL = "oos"
DEFAULT_THRESHOLD = 0.3
MIN_VALIDATION_EXAMPLES = 20
ALTERNATIVES = 3
# The SVMs' regularisation: with the 384 dense embedding numbers beside the sparse TF-IDF, a
# stronger one (smaller C) than the TF-IDF-only model's 1.0 did best (docs/benchmarks.md#bot).
SVM_C = 0.3


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
    # Temperature scaling needs every intent in every out-of-fold split.
    if min(Counter(labels).values()) >= FOLDS:
        return TemperatureScaledSVC(C=SVM_C)
    return LogisticRegression(C=20.0, max_iter=2000)


def _fit(texts: Sequence[str], labels: Sequence[str]) -> Pipeline:
    pipeline = Pipeline([("features", text_features()), ("classify", _classifier(labels))])
    pipeline.fit(list(texts), list(labels))
    return pipeline


def _encoder_of(pipeline: Pipeline) -> str | None:
    """The fingerprint of the sentence encoder the pipeline was fitted with, if it has one."""
    features = pipeline.named_steps.get("features")
    for _, transformer in getattr(features, "transformer_list", []):
        if isinstance(transformer, SentenceEmbedding):
            return str(transformer.fingerprint_)
    return None


def _check(texts: Sequence[str], labels: Sequence[str]) -> None:
    if len(texts) != len(labels):
        raise IntentTrainingError("texts and labels differ in length")
    if any(not text.strip() for text in texts) or any(not label for label in labels):
        raise IntentTrainingError("every example needs a text and a label")
    if len(set(labels) - {OOS_LABEL}) < 2:
        raise IntentTrainingError("at least two intents are needed")


class IntentModel:
    def __init__(
        self,
        *,
        pipeline: Pipeline,
        threshold: float,
        metrics: dict[str, Any],
        known_words: frozenset[str] = frozenset(),
    ) -> None:
        self.pipeline = pipeline
        self.threshold = threshold
        self.metrics = metrics
        # Content words of the training examples. A message without any of them is refused:
        # no intent can be known from words never seen (character n-grams alone would still
        # find one — "tell me a joke" shares letters with many questions).
        self.known_words = known_words
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
    ) -> IntentModel:
        """Fit on ``texts``/``labels``; ``threshold=None`` tunes it on held-out predictions."""
        _check(texts, labels)
        started = time.monotonic()
        metrics: dict[str, Any] = {"examples": len(texts), "intents": len(set(labels))}
        pipeline = _fit(texts, labels)
        classifier = pipeline.named_steps["classify"]
        # Out-of-fold probabilities are only needed here; not kept in the stored model.
        held_out = getattr(classifier, "held_out_proba_", None)
        if hasattr(classifier, "held_out_proba_"):
            del classifier.held_out_proba_
        known_words = frozenset(word for text in texts for word in tokenize(text))
        model = cls(pipeline=pipeline, threshold=0.0, metrics=metrics, known_words=known_words)
        if threshold is not None:
            metrics["threshold_source"] = "given"
        elif held_out is None or len(labels) < MIN_VALIDATION_EXAMPLES:
            threshold = DEFAULT_THRESHOLD
            metrics["threshold_source"] = "default"
        else:
            predictions = [model._prediction(row) for row in held_out]
            tuned = tune_threshold(predictions, labels, budget=REFUSAL_BUDGET)
            threshold = tuned.threshold
            metrics.update(tuned.as_metrics())
            metrics["threshold_source"] = "out_of_fold"
        model.threshold = threshold
        metrics["threshold"] = round(threshold, 4)
        metrics["train_seconds"] = round(time.monotonic() - started, 2)
        return model

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        probabilities = self.pipeline.predict_proba(list(texts))
        return [
            self._prediction(row, familiar=self._familiar(text))
            for text, row in zip(texts, probabilities, strict=True)
        ]

    def _familiar(self, text: str) -> bool:
        return not self.known_words or not self.known_words.isdisjoint(tokenize(text))

    def _prediction(self, row: np.ndarray, *, familiar: bool = True) -> Prediction:
        in_scope = np.where(self._in_scope, row, -1.0)
        best = np.argsort(-in_scope)[:ALTERNATIVES]
        alternatives = tuple(
            Alternative(label=str(self._classes[i]), confidence=round(float(row[i]), 4))
            for i in best
            if self._in_scope[i]
        )
        top = int(np.argmax(row))
        confidence = float(row[best[0]]) if self._in_scope[best[0]] else 0.0
        refused = not familiar or not self._in_scope[top] or confidence < self.threshold
        label = None if refused or not alternatives else alternatives[0].label
        return Prediction(label=label, confidence=round(confidence, 4), alternatives=alternatives)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        payload = {
            "format": FORMAT_VERSION,
            "sklearn": sklearn.__version__,
            "encoder": _encoder_of(self.pipeline),
            "model": self,
        }
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
        # Trained on another sentence encoder's numbers (a model package upgrade): meaningless
        # now. Artifacts from before the encoder have none and need none.
        encoder = payload.get("encoder")
        if encoder is not None and encoder != sentence_encoder().fingerprint:
            raise IncompatibleModelError("the stored intent model needs another sentence encoder")
        model = payload["model"]
        if not isinstance(model, cls):
            raise IncompatibleModelError("the stored artifact is not an intent model")
        return model

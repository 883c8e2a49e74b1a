"""The sentiment model on a small fixed corpus of Chinese and English reviews."""

from __future__ import annotations

import numpy as np
import pytest

from parley.analytics.mining.sentiment import SentimentModel, train
from tests.analytics.mining_data import labelled_rows


@pytest.fixture(scope="module")
def model() -> SentimentModel:
    rows = labelled_rows()
    return train([text for _, text in rows], [label for label, _ in rows])


def test_unseen_messages_get_the_right_label(model: SentimentModel) -> None:
    assert model.predict(["送得很快，很好吃", "态度很差，太难吃了"]) == ["1", "0"]
    assert model.predict(["excellent food, fast delivery", "terrible, rude and cold"]) == [
        "1",
        "0",
    ]


def test_probabilities_have_a_column_per_label_and_sum_to_one(model: SentimentModel) -> None:
    probabilities = model.predict_proba(["好吃", "差评", "ok"])

    assert model.labels == ["0", "1"]
    assert probabilities.shape == (3, 2)
    assert np.allclose(probabilities.sum(axis=1), 1)
    assert probabilities[0, 1] > 0.5 > probabilities[1, 1]


def test_a_saved_model_loads_and_answers_the_same(model: SentimentModel) -> None:
    again = SentimentModel.loads(model.dumps())

    texts = ["很好吃", "awful"]
    assert np.allclose(again.predict_proba(texts), model.predict_proba(texts))
    with pytest.raises(ValueError):
        SentimentModel.loads(b"\x80\x04N.")  # a pickled None: not a model


def test_three_classes_train_too() -> None:
    texts = ["great", "love it", "awful", "hate it", "it is a plane", "flight at noon"] * 3
    labels = ["positive", "positive", "negative", "negative", "neutral", "neutral"] * 3

    model = train(texts, labels)

    assert model.labels == ["negative", "neutral", "positive"]
    assert model.predict(["love it", "hate it"]) == ["positive", "negative"]


def test_one_class_is_refused() -> None:
    with pytest.raises(ValueError):
        train(["a", "b"], ["1", "1"])

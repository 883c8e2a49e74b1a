import numpy as np
import pytest

from parley.bot.intent.classifier import fit_temperature
from parley.bot.intent.model import (
    DEFAULT_THRESHOLD,
    IncompatibleModelError,
    IntentModel,
    IntentTrainingError,
)
from parley.bot.intent.threshold import tune_threshold
from tests.bot.intent_samples import examples


@pytest.fixture(scope="module")
def model() -> IntentModel:
    data = examples()
    return IntentModel.train([t for t, _ in data], [label for _, label in data])


def test_a_question_like_the_examples_gets_its_intent(model):
    prediction = model.predict("I would like my money back for this order")
    assert prediction.label == "refund"
    assert prediction.confidence >= model.threshold
    assert prediction.alternatives[0].label == "refund"


def test_a_chinese_question_gets_its_intent(model):
    assert model.predict("我的快递到哪了").label == "delivery"


def test_a_nonsense_question_is_refused_with_alternatives_still_offered(model):
    prediction = model.predict("purple elephants sing opera quietly")
    assert prediction.label is None
    assert len(prediction.alternatives) == 3
    confidences = [a.confidence for a in prediction.alternatives]
    assert confidences == sorted(confidences, reverse=True)


def test_a_question_below_the_threshold_is_refused(model):
    prediction = model.predict("my order")  # known words, but which intent?
    assert prediction.confidence < 0.9
    strict = IntentModel(
        pipeline=model.pipeline,
        threshold=0.9,
        metrics={},
        known_words=model.known_words,
    )
    assert strict.predict("my order").label is None
    assert strict.predict("reset my password").label == "password"


def test_confidences_are_probabilities(model):
    prediction = model.predict("reset my password")
    assert 0 <= prediction.alternatives[-1].confidence <= prediction.confidence <= 1


def test_the_threshold_comes_from_held_out_predictions(model):
    assert model.metrics["threshold_source"] == "out_of_fold"
    assert 0 < model.threshold < 1
    # The held-out probabilities served their purpose and are not stored with the model.
    assert not hasattr(model.pipeline.named_steps["classify"], "held_out_proba_")


def test_intents_with_too_few_examples_for_folds_use_the_default_threshold():
    texts = ["refund please", "money back", "where is my parcel", "track delivery"]
    labels = ["refund", "refund", "delivery", "delivery"]
    model = IntentModel.train(texts, labels)
    assert model.threshold == DEFAULT_THRESHOLD
    assert model.metrics["threshold_source"] == "default"
    assert model.predict("I want my money back").label == "refund"


def test_an_explicit_threshold_of_one_refuses_everything():
    data = examples()
    strict = IntentModel.train([t for t, _ in data], [lb for _, lb in data], threshold=1.0)
    assert strict.predict("I want a refund").label is None


def test_out_of_scope_examples_are_refused_as_their_own_class():
    data = examples() + [
        (text, "oos")
        for text in [
            "what is the weather tomorrow",
            "tell me a joke",
            "who won the football game",
            "play some music",
            "what is the capital of france",
            "how tall is mount everest",
        ]
    ]
    model = IntentModel.train([t for t, _ in data], [lb for _, lb in data], threshold=0.0)
    assert "oos" not in model.labels
    assert model.predict("tell me a funny joke").label is None
    assert model.predict("I want a refund").label == "refund"


def test_the_model_survives_a_round_trip_through_bytes(model):
    restored = IntentModel.from_bytes(model.to_bytes())
    assert restored.predict("cancel my order") == model.predict("cancel my order")
    assert restored.threshold == model.threshold


def test_an_artifact_of_another_format_is_refused(model, monkeypatch):
    data = model.to_bytes()
    monkeypatch.setattr("parley.bot.intent.model.FORMAT_VERSION", 999)
    with pytest.raises(IncompatibleModelError):
        IntentModel.from_bytes(data)


def test_an_artifact_of_another_sentence_encoder_is_refused(model, monkeypatch):
    data = model.to_bytes()
    monkeypatch.setattr(
        "parley.bot.intent.encoder.SentenceEncoder.fingerprint", "all-MiniLM-L6-v2/9.9"
    )
    with pytest.raises(IncompatibleModelError, match="sentence encoder"):
        IntentModel.from_bytes(data)


@pytest.mark.parametrize(
    ("texts", "labels"),
    [(["a", "b"], ["x", "x"]), (["a", " "], ["x", "y"]), (["a"], ["x", "y"])],
)
def test_data_that_cannot_make_a_model_is_refused(texts, labels):
    with pytest.raises(IntentTrainingError):
        IntentModel.train(texts, labels)


def test_the_threshold_refuses_the_budgeted_share_of_right_answers(model):
    texts = ["I want a refund", "reset my password", "where is my parcel", "cancel my order"]
    labels = ["refund", "password", "delivery", "cancel"]
    probe = IntentModel(pipeline=model.pipeline, threshold=0.0, metrics={})
    predictions = probe.predict_many(texts)
    tuned = tune_threshold(predictions, labels, budget=0.25)
    lowest = min(p.confidence for p in predictions)
    assert tuned.threshold == pytest.approx(lowest)
    assert tuned.validation_in_scope_accuracy == 1.0
    assert tuned.validation_oos_recall is None


def test_temperature_scaling_recovers_the_temperature_that_made_the_labels():
    rng = np.random.default_rng(3)
    scores = rng.normal(size=(4000, 5)) * 3
    true_temperature = 2.0
    probabilities = np.exp(scores / true_temperature)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    targets = np.array([rng.choice(5, p=row) for row in probabilities])

    assert fit_temperature(scores, targets) == pytest.approx(true_temperature, rel=0.15)

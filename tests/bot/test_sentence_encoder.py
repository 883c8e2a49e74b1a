"""The sentence encoder (all-MiniLM-L6-v2 from its PyPI package, run as an ONNX graph): what it
must do for the intent model to lean on it, and that the graph computes what BERT computes — the
numpy reference forward pass (tests/bot/numpy_bert.py), whose agreement with PyTorch was measured
once outside the suite (docs/bot-engine.md: PyTorch is not a dependency)."""

import json

import numpy as np
import pytest
from safetensors.numpy import load_file

from parley.bot.intent.bert import BertConfig
from parley.bot.intent.encoder import DIMENSIONS, MAX_TOKENS, sentence_encoder
from parley.bot.intent.features import SentenceEmbedding, mostly_chinese
from tests.bot.numpy_bert import BertEncoder


@pytest.fixture(scope="module")
def encoder():
    return sentence_encoder()


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_vectors_have_the_model_shape_and_unit_length(encoder):
    vectors = encoder.encode(["I lost my card", "Where is my refund?", "a"])
    assert vectors.shape == (3, DIMENSIONS)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_the_graph_computes_what_the_reference_forward_pass_computes(encoder):
    """Same tokens through the ONNX graph and through the numpy BERT, mean-pooled over the real
    tokens and normalised as sentence-transformers does: the same vectors, padding included."""
    model_dir = encoder.model_dir
    reference = BertEncoder(
        config=BertConfig.from_json(json.loads((model_dir / "config.json").read_text())),
        weights=load_file(str(model_dir / "model.safetensors")),
    )
    texts = [
        "I lost my card",
        "Why was I charged twice for the same purchase at the supermarket yesterday?",
        "退款多久到账",
        "hi",
    ]
    tokens = [encoder._tokenizer.encode(text).ids for text in texts]
    length = max(len(ids) for ids in tokens)
    ids = np.zeros((len(texts), length), dtype=np.int64)
    mask = np.zeros((len(texts), length), dtype=np.float32)
    for row, token_ids in enumerate(tokens):
        ids[row, : len(token_ids)] = token_ids
        mask[row, : len(token_ids)] = 1.0
    states = reference(ids, mask)
    pooled = (states * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
    expected = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    got = encoder.encode(texts)

    cosines = (got * expected).sum(axis=1)
    assert cosines.min() > 0.99999, cosines
    np.testing.assert_allclose(got, expected, atol=1e-4)


def test_no_text_gives_no_vectors(encoder):
    assert encoder.encode([]).shape == (0, DIMENSIONS)


@pytest.mark.parametrize(
    ("text", "paraphrase", "unrelated"),
    [
        ("I lost my card", "my bank card is missing", "what is the weather like tomorrow"),
        ("how do I change my password", "I want to reset my login", "play some jazz music"),
        ("when will my refund arrive", "I am still waiting for my money back", "book a table"),
    ],
)
def test_a_paraphrase_sharing_few_words_is_closer_than_an_unrelated_sentence(
    encoder, text, paraphrase, unrelated
):
    a, p, u = encoder.encode([text, paraphrase, unrelated])
    assert _cos(a, p) > _cos(a, u) + 0.2


def test_a_batch_gives_each_text_what_it_gets_alone(encoder):
    texts = ["short", "a much longer sentence about a card that was charged twice", "退款多久到账"]
    batch = encoder.encode(texts)
    alone = np.stack([encoder.encode([text])[0] for text in texts])
    np.testing.assert_allclose(batch, alone, atol=1e-5)


def test_padding_in_a_batch_changes_nothing(encoder):
    """Batches pad short texts to the longest: the mask must hide the padding everywhere."""
    short = "card declined"
    together = encoder.encode([short, "word " * 60], batch_size=2)[0]
    together_small = encoder.encode([short], batch_size=1)[0]
    np.testing.assert_allclose(together, together_small, atol=1e-5)


def test_order_of_the_texts_is_kept_although_batches_are_sorted_by_length(encoder):
    texts = ["a long sentence about exchanging money abroad", "hi", "where is my parcel now"]
    forward = encoder.encode(texts, batch_size=2)
    backward = encoder.encode(texts[::-1], batch_size=2)
    np.testing.assert_allclose(forward, backward[::-1], atol=1e-5)


def test_a_text_over_the_token_limit_is_truncated_not_refused(encoder):
    long_text = "refund " * (MAX_TOKENS * 2)
    vector = encoder.encode([long_text])[0]
    assert np.isfinite(vector).all()
    np.testing.assert_allclose(
        vector, encoder.encode(["refund " * (MAX_TOKENS + 10)])[0], atol=1e-5
    )


def test_the_encoder_is_loaded_once_per_process(encoder):
    assert sentence_encoder() is encoder


@pytest.mark.parametrize(
    ("text", "chinese"),
    [
        ("我的快递到哪了", True),
        ("iPhone 退款", True),
        ("how do I get a 退款 for my order", False),
        ("where is my refund", False),
        ("", False),
    ],
)
def test_mostly_chinese_texts_are_told_apart(text, chinese):
    assert mostly_chinese(text) is chinese


def test_a_mostly_chinese_text_gets_no_english_embedding():
    feature = SentenceEmbedding(weight=3.0).fit(["x"])
    rows = feature.transform(["我的快递到哪了", "where is my parcel"])
    assert not rows[0].any()
    assert np.linalg.norm(rows[1]) == pytest.approx(3.0, rel=1e-5)

"""What the intent classifier sees of a message: word and character n-grams, TF-IDF weighted,
and the message's sentence embedding.

Words (through the bot's tokeniser: jieba for Chinese, Snowball stems for English, stop words
kept because "why" and "not" separate intents) catch meaning; character n-grams inside word
boundaries catch misspellings ("recieve"), inflections the stemmer misses, and Chinese words jieba
cut differently. Both are L2-normalised. The embedding (``encoder.py``) catches paraphrases that
share no word; it is English-only, so a mostly Chinese text gets zeros there and is told apart
by the TF-IDF blocks alone. The three are concatenated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.pipeline import FeatureUnion  # type: ignore[import-untyped]

from parley.bot.intent.encoder import DIMENSIONS, sentence_encoder
from parley.bot.nlp.tokenize import tokenize


def intent_tokens(text: str) -> list[str]:
    # A module-level function, not a lambda: the fitted vectoriser is pickled with the model.
    return tokenize(text, drop_stop_words=False)


# How much the sentence embedding weighs beside the two TF-IDF blocks (each of norm 1).
EMBEDDING_WEIGHT = 3.0


def text_features(*, embedding_weight: float | None = None) -> FeatureUnion:
    weight = EMBEDDING_WEIGHT if embedding_weight is None else embedding_weight
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    tokenizer=intent_tokens,
                    lowercase=False,
                    token_pattern=None,
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                ),
            ),
            (
                "chars",
                TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 6), sublinear_tf=True),
            ),
        ]
        # Weight 0: no embedding at all (the TF-IDF-only model, a benchmark's baseline).
        + ([("sentence", SentenceEmbedding(weight=weight))] if weight else [])
    )


class SentenceEmbedding(TransformerMixin, BaseEstimator):
    """The sentence encoder's 384 numbers of each text, times ``weight``, beside the TF-IDF.

    Only the weight is pickled with a model: the encoder is the process's own, loaded once
    (``encoder.py``), and ``fingerprint_`` names the one the model was trained with.
    """

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight

    def fit(self, texts: Sequence[str], y: Any = None) -> SentenceEmbedding:
        self.fingerprint_ = sentence_encoder().fingerprint
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        english = [i for i, text in enumerate(texts) if not mostly_chinese(text)]
        if english:
            vectors = sentence_encoder().encode([texts[i] for i in english])
            out[english] = vectors * np.float32(self.weight)
        return out


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


def mostly_chinese(text: str) -> bool:
    """At least as many Chinese characters as Latin words: MiniLM, an English model that knows
    Chinese characters only one by one, would embed it as noise."""
    chinese = len(_CJK.findall(text))
    return chinese > 0 and chinese >= len(_LATIN_WORD.findall(text))

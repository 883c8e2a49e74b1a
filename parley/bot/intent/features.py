"""What the intent classifier sees of a message: word and character n-grams, TF-IDF weighted.

Words (through the bot's tokeniser: jieba for Chinese, Snowball stems for English, stop words
kept because "why" and "not" separate intents) catch meaning; character n-grams inside word
boundaries catch misspellings ("recieve"), inflections the stemmer misses, and Chinese words jieba
cut differently. Both are L2-normalised and concatenated.
"""

from __future__ import annotations

from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.pipeline import FeatureUnion  # type: ignore[import-untyped]

from parley.bot.nlp.tokenize import tokenize


def intent_tokens(text: str) -> list[str]:
    # A module-level function, not a lambda: the fitted vectoriser is pickled with the model.
    return tokenize(text, drop_stop_words=False)


def text_features() -> FeatureUnion:
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
    )

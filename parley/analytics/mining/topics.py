"""Keywords and topics of customer messages.

Words: jieba's POS tagger segments Chinese and tags each word; only nouns (n), other proper
nouns (nz), person, place and organisation names (nr, ns, nt), verbs (v) and verbal nouns
(vn) of two or more characters are kept — particles, pronouns and single characters say
nothing about what a customer wants. Latin-script words (tagged ``eng``) are lower-cased and
kept when they have three or more letters and are not English stop words.

Keywords: TF-IDF over those words, summed across the period's messages, so a word counts when
it is frequent *and* concentrated in some messages rather than everywhere.

Topics: non-negative matrix factorisation (NMF) of the TF-IDF matrix. Each topic is a
non-negative mix of words (its top words describe it) and each message a non-negative mix of
topics (its largest weight assigns it, for volumes and examples). NMF on TF-IDF gives more
readable topics than LDA on short texts, and is deterministic with the NNDSVD start.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import jieba
import jieba.posseg
import numpy as np
from sklearn.decomposition import NMF  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import (  # type: ignore[import-untyped]
    ENGLISH_STOP_WORDS,
    TfidfVectorizer,
)

from parley.segmentation import normalise

jieba.setLogLevel(logging.WARNING)

KEPT_TAGS = frozenset({"n", "nz", "nr", "ns", "nt", "nw", "v", "vn"})
_LATIN = re.compile(r"^[a-z][a-z'\-]*$")
# Verbs that appear in nearly every message and name no subject.
_CHINESE_STOP = frozenset({"没有", "就是", "觉得", "知道", "可以", "现在", "还是", "怎么", "什么"})


def content_words(text: str) -> list[str]:
    """Nouns, verbs and names of ``text``, in order, with repeats."""
    words = []
    for pair in jieba.posseg.cut(normalise(text)):
        word, flag = pair.word.strip().lower(), pair.flag
        if flag == "eng" or _LATIN.match(word):
            if len(word) >= 3 and _LATIN.match(word) and word not in ENGLISH_STOP_WORDS:
                words.append(word)
        elif flag in KEPT_TAGS and len(word) >= 2 and word not in _CHINESE_STOP:
            words.append(word)
    return words


def _vectoriser(*, min_df: int, max_df: float) -> TfidfVectorizer:
    return TfidfVectorizer(
        tokenizer=content_words,
        token_pattern=None,
        lowercase=False,
        sublinear_tf=True,
        min_df=min_df,
        max_df=max_df,
    )


@dataclass(frozen=True)
class Keyword:
    word: str
    score: float
    documents: int  # messages containing it


def keywords(texts: Sequence[str], *, top: int = 20, min_df: int = 1) -> list[Keyword]:
    """The ``top`` words of ``texts`` by summed TF-IDF, highest first (ties by word)."""
    if not texts:
        return []
    vectoriser = _vectoriser(min_df=min_df, max_df=1.0)
    try:
        matrix = vectoriser.fit_transform(list(texts))
    except ValueError:  # no content word at all
        return []
    scores = np.asarray(matrix.sum(axis=0)).ravel()
    counts = np.asarray((matrix > 0).sum(axis=0)).ravel()
    vocabulary = vectoriser.get_feature_names_out()
    order = sorted(range(len(vocabulary)), key=lambda i: (-scores[i], vocabulary[i]))[:top]
    return [Keyword(str(vocabulary[i]), float(scores[i]), int(counts[i])) for i in order]


@dataclass(frozen=True)
class Topic:
    index: int
    words: list[tuple[str, float]]  # top words with their weight in the topic
    size: int  # messages assigned to it
    examples: list[int]  # indices of its most typical messages


@dataclass(frozen=True)
class TopicModel:
    topics: list[Topic]
    assignments: list[int]  # topic index per message (-1: no content word)


def topic_model(
    texts: Sequence[str],
    *,
    topics: int = 8,
    top_words: int = 10,
    examples: int = 3,
    min_df: int = 1,
    max_df: float = 0.9,
    seed: int = 0,
) -> TopicModel:
    """Fit NMF with ``topics`` components to ``texts``."""
    if topics < 1:
        raise ValueError("topics must be ≥ 1")
    vectoriser = _vectoriser(min_df=min_df, max_df=max_df)
    matrix = vectoriser.fit_transform(list(texts))
    components = min(topics, *matrix.shape)
    nmf = NMF(n_components=components, init="nndsvd", random_state=seed, max_iter=500)
    weights = nmf.fit_transform(matrix)
    vocabulary = vectoriser.get_feature_names_out()
    has_words = np.asarray(matrix.sum(axis=1)).ravel() > 0
    assignments = [
        int(row.argmax()) if present and row.max() > 0 else -1
        for row, present in zip(weights, has_words, strict=True)
    ]
    found = []
    for index, component in enumerate(nmf.components_):
        best = np.argsort(-component)[:top_words]
        members = [i for i, topic in enumerate(assignments) if topic == index]
        typical = sorted(members, key=lambda i: -weights[i, index])[:examples]
        found.append(
            Topic(
                index=index,
                words=[(str(vocabulary[i]), float(component[i])) for i in best if component[i] > 0],
                size=len(members),
                examples=typical,
            )
        )
    return TopicModel(topics=found, assignments=assignments)

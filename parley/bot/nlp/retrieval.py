"""BM25 search over a workspace's knowledge base (articles and FAQs), Chinese and English.

The contract the knowledge base builds on::

    index = SearchIndex.build([IndexDoc(id=1, title="退款多久到账", text="…")], synonyms={…})
    index.search("退款什么时候到", k=5)  # -> [Hit(id=1, score=7.3), …], best first

Titles and bodies are two BM25 fields (bm25s, the numpy backend) and a document's score is
``body + TITLE_WEIGHT × title``: a short title that names the question is the strongest signal
an FAQ has, yet repeating it inside the body would distort the body's length normalisation.
Only documents that share at least one token with the query are returned. An index is
immutable: build a new one when the knowledge base changes (10,000 entries build in seconds and
are searched in well under a millisecond; see docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import bm25s  # type: ignore[import-untyped]  # no type hints shipped
import numpy as np

from parley.bot.nlp.tokenize import SynonymTable, query_tokens, tokenize

TITLE_WEIGHT = 2.0


@dataclass(frozen=True)
class IndexDoc:
    id: int
    text: str
    title: str = ""


@dataclass(frozen=True)
class Hit:
    id: int
    score: float


def _field_index(token_lists: list[list[str]]) -> bm25s.BM25:
    index = bm25s.BM25()
    index.index(token_lists, show_progress=False)
    return index


def _field_scores(index: bm25s.BM25, tokens: list[str], size: int) -> np.ndarray:
    ids = index.get_tokens_ids(tokens)
    if not ids:
        return np.zeros(size, dtype=np.float32)
    return np.asarray(index.get_scores_from_ids(ids), dtype=np.float32)


class SearchIndex:
    def __init__(
        self,
        *,
        ids: np.ndarray,
        body: bm25s.BM25 | None,
        title: bm25s.BM25 | None,
        synonyms: SynonymTable,
    ) -> None:
        self._ids = ids
        self._body = body
        self._title = title
        self._synonyms = synonyms

    def __len__(self) -> int:
        return len(self._ids)

    @classmethod
    def build(
        cls,
        docs: Sequence[IndexDoc],
        *,
        synonyms: Mapping[str, Sequence[str]] | None = None,
    ) -> SearchIndex:
        table = SynonymTable.from_mapping(synonyms)
        ids = np.fromiter((doc.id for doc in docs), dtype=np.int64, count=len(docs))
        if not docs:
            return cls(ids=ids, body=None, title=None, synonyms=table)
        body = _field_index([tokenize(doc.text) for doc in docs])
        titles = [tokenize(doc.title) if doc.title else [] for doc in docs]
        title = _field_index(titles) if any(titles) else None
        return cls(ids=ids, body=body, title=title, synonyms=table)

    def search(self, query: str, k: int = 5) -> list[Hit]:
        if self._body is None or k <= 0:
            return []
        tokens = query_tokens(query, self._synonyms)
        if not tokens:
            return []
        size = len(self._ids)
        scores = _field_scores(self._body, tokens, size)
        if self._title is not None:
            scores = scores + TITLE_WEIGHT * _field_scores(self._title, tokens, size)
        matched = np.flatnonzero(scores > 0)
        if matched.size == 0:
            return []
        if matched.size > k:
            matched = matched[np.argpartition(-scores[matched], k - 1)[:k]]
        # Best first; equal scores keep the order the documents were given in.
        order = sorted(matched.tolist(), key=lambda row: (-float(scores[row]), row))
        return [Hit(id=int(self._ids[row]), score=float(scores[row])) for row in order]

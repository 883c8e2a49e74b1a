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
        fields: list[tuple[float, bm25s.BM25]],
        synonyms: SynonymTable,
    ) -> None:
        self._ids = ids
        self._fields = fields  # (weight, index); a field no document has any token in is left out
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
        ids = np.fromiter((doc.id for doc in docs), dtype=np.int64, count=len(docs))
        fields = []
        for weight, texts in (
            (1.0, [d.text for d in docs]),
            (TITLE_WEIGHT, [d.title for d in docs]),
        ):
            token_lists = [tokenize(text) if text else [] for text in texts]
            if any(token_lists):
                fields.append((weight, _field_index(token_lists)))
        return cls(ids=ids, fields=fields, synonyms=SynonymTable.from_mapping(synonyms))

    def search(self, query: str, k: int = 5) -> list[Hit]:
        if not self._fields or k <= 0:
            return []
        tokens = query_tokens(query, self._synonyms)
        if not tokens:
            return []
        size = len(self._ids)
        scores = np.zeros(size, dtype=np.float32)
        for weight, field in self._fields:
            scores += weight * _field_scores(field, tokens, size)
        matched = np.flatnonzero(scores > 0)
        if matched.size == 0:
            return []
        if matched.size > k:
            matched = matched[np.argpartition(-scores[matched], k - 1)[:k]]
        # Best first; equal scores keep the order the documents were given in.
        order = sorted(matched.tolist(), key=lambda row: (-float(scores[row]), row))
        return [Hit(id=int(self._ids[row]), score=float(scores[row])) for row in order]

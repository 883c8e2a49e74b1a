"""Words of a text as a search index can hold them, Chinese and English alike.

Chinese has no spaces between words, so jieba segments it; `cut_for_search` also emits the
shorter words inside long ones, so 申请退款 is found by 退款. Latin-script words are lower-cased.
The result is stored beside the message as " word word … " so a word is matched with LIKE on
SQLite and PostgreSQL alike, no extension needed.
"""

from __future__ import annotations

from parley.segmentation import segment

MAX_INDEXED_CHARS = 4000


def _unique(words: list[str]) -> list[str]:
    return list(dict.fromkeys(words))


def index_words(text: str) -> str:
    words = _unique(segment(text[:MAX_INDEXED_CHARS], fine=True))
    return f" {' '.join(words)} " if words else ""


def query_words(query: str) -> list[str]:
    return _unique(segment(query))[:8]

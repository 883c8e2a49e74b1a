"""Words of a text as a search index can hold them, Chinese and English alike.

Chinese has no spaces between words, so jieba segments it; `cut_for_search` also emits the
shorter words inside long ones, so 申请退款 is found by 退款. Latin-script words are lower-cased.
The result is stored beside the message as " word word … " so a word is matched with LIKE on
SQLite and PostgreSQL alike, no extension needed.
"""

from __future__ import annotations

import logging
import re
import unicodedata

import jieba

jieba.setLogLevel(logging.WARNING)

_WORD = re.compile(r"\w", re.UNICODE)
MAX_INDEXED_CHARS = 4000


def _words(tokens: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for token in tokens:
        word = token.strip().lower()
        if word and _WORD.search(word):
            seen.setdefault(word, None)
    return list(seen)


def index_words(text: str) -> str:
    normalised = unicodedata.normalize("NFKC", text[:MAX_INDEXED_CHARS])
    words = _words(list(jieba.cut_for_search(normalised)))
    return f" {' '.join(words)} " if words else ""


def query_words(query: str) -> list[str]:
    return _words(list(jieba.cut(unicodedata.normalize("NFKC", query))))[:8]

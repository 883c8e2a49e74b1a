"""Cutting text into words, Chinese and English alike — the one place jieba is set up.

Chinese has no spaces between words, so jieba segments it. ``fine=True`` uses
``cut_for_search``, which also emits the shorter words inside long ones (申请退款 → 申请, 退款,
申请退款), so an index built that way is found by either. Latin-script words come out whole and
lower-cased; punctuation and whitespace are dropped. Both the message search
(conversations/search_text.py) and the bot's tokeniser (bot/nlp/tokenize.py) build on this.
"""

from __future__ import annotations

import logging
import re
import unicodedata

import jieba

jieba.setLogLevel(logging.WARNING)

_WORD = re.compile(r"\w", re.UNICODE)


def normalise(text: str) -> str:
    # NFKC folds full-width letters and digits (ＡＢＣ１２３) into their ASCII forms.
    return unicodedata.normalize("NFKC", text)


def segment(text: str, *, fine: bool = False) -> list[str]:
    """Lower-cased words of ``text`` in order, with repeats (term frequency matters to rankers)."""
    normalised = normalise(text)
    pieces = jieba.cut_for_search(normalised) if fine else jieba.cut(normalised)
    words = []
    for piece in pieces:
        word = piece.strip().lower()
        if word and _WORD.search(word):
            words.append(word)
    return words

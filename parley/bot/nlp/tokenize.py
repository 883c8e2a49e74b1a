"""Tokens of customer questions and knowledge-base text, for ranking and for the intent model.

Chinese is segmented by jieba (``parley.segmentation``); English words are lower-cased and
reduced to their Snowball stem, so "refunds", "refunded" and "refunding" all meet at "refund".
Mixed text ("iPhone 退款 refund") takes each word by its script.

Stop words are dropped from ranking tokens because they match nearly every entry and only add
noise — but a query made only of stop words ("how are you", "在吗") keeps them, since dropping
them would leave nothing to search with.

Synonyms are query expansion: a workspace's groups of equivalent words ("退款" ↔ "退钱", "refund"
↔ "money back") add the other members of a group to a query that names one, so an entry written
with either word is found. Documents are never expanded, so editing synonyms needs no reindex.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type hints

from parley.segmentation import segment

# Short on purpose: only words that carry no meaning in a customer question. "how", "why",
# "not", "没有" and the like stay, since they separate intents ("why was I charged" vs "charge").
_ENGLISH_STOP = """a an the and or of to in on at for from by with as is are was were be been am
    i me my we our you your it its this that these those there here do does did
    can could would should will shall may might please hi hello thanks thank just
    some any so than then very"""
_CHINESE_STOP = """的 了 吗 呢 吧 啊 呀 哦 嗯 么 请问 请 一下 我 我们 你 你们 您 是
    在 和 与 或 也 都 就 还 这 那 个 这个 那个 想 要 我要 我想 能 可以 麻烦 谢谢 你好 您好
    怎么 怎么办 怎么样"""
ENGLISH_STOP_WORDS = frozenset(_ENGLISH_STOP.split())
CHINESE_STOP_WORDS = frozenset(_CHINESE_STOP.split())
STOP_WORDS = ENGLISH_STOP_WORDS | CHINESE_STOP_WORDS

_LATIN = re.compile(r"^[0-9a-z_'\-]*[a-z][0-9a-z_'\-]*$")
_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    # A PyStemmer object is not safe to share between threads; one per thread, made once.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = Stemmer.Stemmer("english")
        _local.stemmer = stemmer
    return stemmer


def _stem(word: str) -> str:
    return str(_stemmer().stemWord(word)) if _LATIN.match(word) else word


def tokenize(text: str, *, fine: bool = True, drop_stop_words: bool = True) -> list[str]:
    """Tokens of ``text`` in order, with repeats.

    ``fine`` also emits the short Chinese words inside long ones (see ``parley.segmentation``);
    use the same value for the documents and the queries of one index.
    """
    words = segment(text, fine=fine)
    if drop_stop_words:
        kept = [word for word in words if word not in STOP_WORDS]
        # A question of stop words only is still a question; keep what it has.
        words = kept or words
    return [_stem(word) for word in words]


@dataclass(frozen=True)
class _Phrase:
    match: tuple[str, ...]  # coarse tokens, compared with the query's coarse tokens
    add: tuple[str, ...]  # fine tokens, the ones an index built with fine=True holds


@dataclass(frozen=True)
class SynonymTable:
    """Groups of equivalent phrases (a workspace's synonyms), ready to expand queries."""

    groups: tuple[tuple[_Phrase, ...], ...] = ()

    @classmethod
    def from_mapping(cls, synonyms: Mapping[str, Sequence[str]] | None) -> SynonymTable:
        """``{"退款": ["退钱", "返款"], "refund": ["money back"]}`` — a key and its values are one
        group, matched both ways. Phrases that tokenise to nothing are ignored."""
        groups = []
        for key, values in (synonyms or {}).items():
            phrases: dict[tuple[str, ...], _Phrase] = {}
            for text in (key, *values):
                match = tuple(tokenize(text, fine=False, drop_stop_words=False))
                if match and match not in phrases:
                    add = tuple(tokenize(text, fine=True, drop_stop_words=False))
                    phrases[match] = _Phrase(match=match, add=add)
            if len(phrases) > 1:
                groups.append(tuple(phrases.values()))
        return cls(groups=tuple(groups))

    def __bool__(self) -> bool:
        return bool(self.groups)

    def expansion(self, coarse_tokens: Sequence[str]) -> list[str]:
        """Tokens of every synonym of a phrase found in ``coarse_tokens`` (tokenised with
        ``fine=False, drop_stop_words=False``), the phrase's own tokens included."""
        added: list[str] = []
        for group in self.groups:
            if any(_contains(coarse_tokens, phrase.match) for phrase in group):
                for phrase in group:
                    added.extend(phrase.add)
        return added


def _contains(tokens: Sequence[str], phrase: tuple[str, ...]) -> bool:
    if len(phrase) == 1:
        return phrase[0] in tokens
    width = len(phrase)
    return any(tuple(tokens[i : i + width]) == phrase for i in range(len(tokens) - width + 1))


def query_tokens(
    query: str, synonyms: SynonymTable | Mapping[str, Sequence[str]] | None = None
) -> list[str]:
    """Ranking tokens of a query, expanded by the workspace's synonyms, each token once."""
    table = synonyms if isinstance(synonyms, SynonymTable) else SynonymTable.from_mapping(synonyms)
    tokens = tokenize(query, fine=True)
    if table:
        # Phrases are matched before stop words go, so "top up" still matches with its "up".
        tokens += table.expansion(tokenize(query, fine=False, drop_stop_words=False))
    return _unique(tokens)


def _unique(tokens: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(tokens))

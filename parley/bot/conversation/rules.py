"""The bot's decisions as pure functions: is this a request for a person, does it read as angry,
and — from the intent model's confidence — answer, offer choices, or refuse."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from parley.bot.conversation.settings import BotSettings

# A small lexicon instead of a sentiment model: no trained product model ships, and an angry
# customer usually says so in words like these. A match hands over at once.
NEGATIVE_WORDS_EN = {
    "angry",
    "awful",
    "furious",
    "hate",
    "horrible",
    "idiot",
    "pathetic",
    "ridiculous",
    "rubbish",
    "scam",
    "stupid",
    "terrible",
    "useless",
    "worst",
    "wtf",
}
NEGATIVE_PHRASES_ZH = (
    "垃圾",
    "太差",
    "气死",
    "骗子",
    "无语",
    "破玩意",
    "差评",
    "坑人",
    "生气",
    "愤怒",
    "投诉你们",
    "什么破",
    "烂透",
    "没用",
)
_WORD = re.compile(r"[a-z0-9']+")
_HAN = re.compile(r"[\u3400-\u9fff]")


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def matches_keyword(text: str, keyword: str) -> bool:
    """Chinese keywords match anywhere ("我要转人工"); others as whole words, so "agent"
    is found in "an agent please" but "person" not in "personal"."""
    keyword = _normal(keyword).strip()
    if not keyword:
        return False
    normal = _normal(text)
    if _HAN.search(keyword):
        return keyword in normal
    words = _WORD.findall(normal)
    wanted = _WORD.findall(keyword)
    n = len(wanted)
    return n > 0 and any(words[i : i + n] == wanted for i in range(len(words) - n + 1))


def is_handoff_request(text: str, keywords: list[str]) -> bool:
    return any(matches_keyword(text, keyword) for keyword in keywords)


def is_negative(text: str) -> bool:
    normal = _normal(text)
    if any(phrase in normal for phrase in NEGATIVE_PHRASES_ZH):
        return True
    return not NEGATIVE_WORDS_EN.isdisjoint(_WORD.findall(normal))


class Verdict(StrEnum):
    ANSWER = "answer"
    SUGGEST = "suggest"
    REFUSE = "refuse"


def verdict(*, label: str | None, confidence: float, settings: BotSettings) -> Verdict:
    """``label`` is None when the model itself refused (below its threshold, or out of scope).
    At or above ``answer_confidence`` the bot answers; between the refusal line and that it
    offers choices; the inbox can raise the refusal line with ``suggest_confidence``."""
    if label is None or confidence < settings.suggest_confidence:
        return Verdict.REFUSE
    if confidence >= settings.answer_confidence:
        return Verdict.ANSWER
    return Verdict.SUGGEST


def search_verdict(scores: list[float], *, min_score: float, dominance: float) -> Verdict:
    """Without an intent model the bot judges by search scores: nothing found, or only weak
    matches, is a refusal; one hit well ahead of the rest is an answer; else choices."""
    if not scores or scores[0] < min_score:
        return Verdict.REFUSE
    if len(scores) == 1 or scores[0] >= dominance * scores[1]:
        return Verdict.ANSWER
    return Verdict.SUGGEST

"""An inbox's bot settings, read from ``inbox.settings["bot"]`` and checked (like routing's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox

DEFAULT_GREETING = {
    "en": "Hi! I'm the help bot. Ask me a question, or type “human” to talk to a person.",
    "zh-CN": "您好！我是智能助手，请直接提问；需要人工服务请输入“转人工”。",
}
# Explicit requests for a person; matched as whole words (English) or substrings (Chinese).
DEFAULT_HANDOFF_KEYWORDS = ["转人工", "人工", "真人", "human", "agent", "person"]


@dataclass(frozen=True)
class BotSettings:
    enabled: bool = False
    greeting: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_GREETING))
    # The intent model's confidence at or above which the bot answers outright; between the
    # model's own refusal threshold and this it offers "did you mean" choices.
    answer_confidence: float = 0.8
    # Below this the bot refuses even when the model would not (never below the model's own).
    suggest_confidence: float = 0.2
    max_low_confidence_turns: int = 2
    handoff_keywords: list[str] = field(default_factory=lambda: list(DEFAULT_HANDOFF_KEYWORDS))
    # Hand over when a message reads as angry (lexicon, see sentiment.py).
    handoff_on_negative: bool = True

    def greeting_for(self, locale: str) -> str:
        return self.greeting.get(locale) or DEFAULT_GREETING.get(locale) or DEFAULT_GREETING["en"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "greeting": dict(self.greeting),
            "answer_confidence": self.answer_confidence,
            "suggest_confidence": self.suggest_confidence,
            "max_low_confidence_turns": self.max_low_confidence_turns,
            "handoff_keywords": list(self.handoff_keywords),
            "handoff_on_negative": self.handoff_on_negative,
        }


KNOWN = {
    "enabled",
    "greeting",
    "answer_confidence",
    "suggest_confidence",
    "max_low_confidence_turns",
    "handoff_keywords",
    "handoff_on_negative",
}


def bot_settings(inbox: Inbox) -> BotSettings:
    """The inbox's settings; a stored value that no longer parses turns the bot off rather
    than break the chat."""
    try:
        return parse_bot_settings(inbox.settings.get("bot") or {})
    except ApplicationError:
        return BotSettings()


def parse_bot_settings(raw: object) -> BotSettings:
    """Check bot settings; every problem is named at once, by its path."""
    if not isinstance(raw, dict):
        raise ApplicationError(
            ErrorCode.INVALID, "The bot settings are not valid.", fields={"bot": "An object."}
        )
    problems: dict[str, str] = {}
    for unknown in sorted(set(raw) - KNOWN):
        problems[f"bot.{unknown}"] = "Unknown setting."
    defaults = BotSettings()
    greeting = raw.get("greeting", defaults.greeting)
    if not isinstance(greeting, dict) or not all(
        k in DEFAULT_GREETING and isinstance(v, str) and len(v) <= 1000 for k, v in greeting.items()
    ):
        problems["bot.greeting"] = "Map en and zh-CN to texts of up to 1000 characters."
        greeting = defaults.greeting
    numbers: dict[str, float] = {}
    for name in ("answer_confidence", "suggest_confidence"):
        value = raw.get(name, getattr(defaults, name))
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            problems[f"bot.{name}"] = "A number from 0 to 1."
            value = getattr(defaults, name)
        numbers[name] = float(value)
    if numbers["suggest_confidence"] > numbers["answer_confidence"]:
        problems["bot.suggest_confidence"] = "At most answer_confidence."
    turns = raw.get("max_low_confidence_turns", defaults.max_low_confidence_turns)
    if isinstance(turns, bool) or not isinstance(turns, int) or not 1 <= turns <= 10:
        problems["bot.max_low_confidence_turns"] = "A whole number from 1 to 10."
        turns = defaults.max_low_confidence_turns
    keywords = raw.get("handoff_keywords", defaults.handoff_keywords)
    if (
        not isinstance(keywords, list)
        or len(keywords) > 30
        or not all(isinstance(k, str) and 0 < len(k.strip()) <= 40 for k in keywords)
    ):
        problems["bot.handoff_keywords"] = "Up to 30 words of 1 to 40 characters."
        keywords = defaults.handoff_keywords
    for name in ("enabled", "handoff_on_negative"):
        if name in raw and not isinstance(raw[name], bool):
            problems[f"bot.{name}"] = "true or false."
    if problems:
        raise ApplicationError(
            ErrorCode.INVALID, "The bot settings are not valid.", fields=problems
        )
    return BotSettings(
        enabled=bool(raw.get("enabled", False)),
        greeting={**DEFAULT_GREETING, **greeting},
        answer_confidence=numbers["answer_confidence"],
        suggest_confidence=numbers["suggest_confidence"],
        max_low_confidence_turns=turns,
        handoff_keywords=[k.strip() for k in keywords],
        handoff_on_negative=raw.get("handoff_on_negative", True) is not False,
    )

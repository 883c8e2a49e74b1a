"""What the bot says, in English and Simplified Chinese."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "suggest": {
        "en": "I'm not sure I understood. Did you mean one of these?",
        "zh-CN": "我不太确定您的问题，您是想问以下哪一个？",
    },
    "refuse": {
        "en": "Sorry, I don't know the answer to that. Could you put it another way? "
        "You can also ask for a person.",
        "zh-CN": "抱歉，这个问题我还不会回答。您可以换个说法，或者输入“转人工”。",
    },
    "handoff": {
        "en": "I'm connecting you with a person now. They can see our conversation.",
        "zh-CN": "正在为您转接人工客服，客服可以看到我们刚才的对话，请稍候。",
    },
    "source": {"en": "Source", "zh-CN": "来源"},
}

HANDOFF_REASONS = {
    "requested": "the customer asked for a person",
    "button": "the customer pressed “Talk to a person”",
    "low_confidence": "the bot could not answer twice",
    "negative": "the customer sounded upset",
}


def bot_text(key: str, locale: str) -> str:
    return TEXTS[key].get(locale) or TEXTS[key]["en"]


def bot_locale(locale: str | None) -> str:
    """The knowledge base's two languages: Chinese for any zh-*, else English."""
    return "zh-CN" if (locale or "").lower().startswith("zh") else "en"

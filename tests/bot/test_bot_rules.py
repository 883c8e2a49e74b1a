import pytest

from parley.bot.conversation.rules import (
    Verdict,
    is_handoff_request,
    is_negative,
    search_verdict,
    verdict,
)
from parley.bot.conversation.settings import (
    DEFAULT_HANDOFF_KEYWORDS,
    BotSettings,
    parse_bot_settings,
)
from parley.errors import ApplicationError


@pytest.mark.parametrize(
    "text",
    [
        "转人工",
        "我要转人工！",
        "人工客服在吗",
        "找真人",
        "human please",
        "Can I talk to an AGENT?",
        "a real person",
    ],
)
def test_explicit_requests_for_a_person_hand_over(text):
    assert is_handoff_request(text, DEFAULT_HANDOFF_KEYWORDS)


@pytest.mark.parametrize(
    "text", ["退款多久到账", "客服电话是多少", "my personal details", "humanity", "agents123"]
)
def test_other_messages_are_not_requests_for_a_person(text):
    assert not is_handoff_request(text, DEFAULT_HANDOFF_KEYWORDS)


def test_an_inbox_can_use_its_own_handoff_words():
    assert is_handoff_request("operator please", ["operator"])
    assert not is_handoff_request("转人工", ["operator"])


@pytest.mark.parametrize(
    "text", ["你们这服务太差了", "垃圾客服", "this is useless", "WORST shop ever"]
)
def test_angry_messages_read_as_negative(text):
    assert is_negative(text)


@pytest.mark.parametrize("text", ["退款多久到账", "thanks, that helped", "how do I return an item"])
def test_ordinary_messages_do_not(text):
    assert not is_negative(text)


SETTINGS = BotSettings(answer_confidence=0.6, suggest_confidence=0.2)


@pytest.mark.parametrize(
    ("label", "confidence", "expected"),
    [
        ("refund", 0.95, Verdict.ANSWER),
        ("refund", 0.6, Verdict.ANSWER),
        ("refund", 0.59, Verdict.SUGGEST),
        ("refund", 0.2, Verdict.SUGGEST),
        ("refund", 0.19, Verdict.REFUSE),
        (None, 0.9, Verdict.REFUSE),  # the model itself refused (out of scope)
    ],
)
def test_confidence_decides_answer_choices_or_refusal(label, confidence, expected):
    assert verdict(label=label, confidence=confidence, settings=SETTINGS) == expected


def test_search_alone_answers_a_clear_winner_and_refuses_weak_matches():
    assert search_verdict([], min_score=1.5, dominance=1.5) == Verdict.REFUSE
    assert search_verdict([1.0], min_score=1.5, dominance=1.5) == Verdict.REFUSE
    assert search_verdict([6.0, 2.0], min_score=1.5, dominance=1.5) == Verdict.ANSWER
    assert search_verdict([6.0, 5.0], min_score=1.5, dominance=1.5) == Verdict.SUGGEST


def test_settings_default_to_off_with_two_low_confidence_turns():
    settings = parse_bot_settings({})
    assert settings.enabled is False
    assert settings.max_low_confidence_turns == 2
    assert "转人工" in settings.handoff_keywords
    assert settings.greeting_for("zh-CN").startswith("您好")


def test_bad_settings_name_every_problem():
    with pytest.raises(ApplicationError) as refused:
        parse_bot_settings(
            {
                "enabled": "yes",
                "answer_confidence": 2,
                "max_low_confidence_turns": 0,
                "handoff_keywords": [""],
                "greeting": {"fr": "Bonjour"},
                "colour": "red",
            }
        )
    assert set(refused.value.fields) == {
        "bot.enabled",
        "bot.answer_confidence",
        "bot.max_low_confidence_turns",
        "bot.handoff_keywords",
        "bot.greeting",
        "bot.colour",
    }


def test_the_choice_line_may_not_be_above_the_answer_line():
    with pytest.raises(ApplicationError) as refused:
        parse_bot_settings({"answer_confidence": 0.3, "suggest_confidence": 0.5})
    assert "bot.suggest_confidence" in refused.value.fields

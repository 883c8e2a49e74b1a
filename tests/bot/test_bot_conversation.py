"""The bot's turns through the conversation services, as the widget's messages reach them."""

import pytest

from parley.bot.models import BotReply, BotSession
from parley.conversations.models import Status
from parley.conversations.services import message_send
from parley.conversations.services.timeline import Sender
from tests.bot.bot_world import bot_messages, bot_on, knowledge_base, last_bot, say

pytestmark = pytest.mark.django_db


@pytest.fixture
def zh_world(world):
    world.contact.locale = "zh-CN"
    world.contact.save(update_fields=["locale"])
    knowledge_base(world)
    bot_on(world)
    return world


def test_without_a_bot_a_new_chat_goes_straight_to_the_queue(world):
    knowledge_base(world)

    conversation = say(world, "退款多久到账")

    assert conversation.status == Status.QUEUED
    assert bot_messages(conversation) == []


def test_a_new_chat_in_a_bot_inbox_stays_with_the_bot_and_is_greeted_in_chinese(zh_world):
    conversation = say(zh_world, "你好")

    assert conversation.status == Status.BOT
    assert conversation.queued_at is None
    greeting = bot_messages(conversation)[0]
    assert greeting.seq == 1
    assert greeting.body.startswith("您好")
    assert BotSession.objects.get(conversation=conversation).locale == "zh-CN"


def test_an_english_visitor_is_greeted_in_english_with_the_inbox_greeting(world):
    world.contact.locale = "en-GB"
    world.contact.save(update_fields=["locale"])
    knowledge_base(world)
    bot_on(world, greeting={"en": "Hello from Acme's bot", "zh-CN": "您好"})

    conversation = say(world, "hello")

    assert bot_messages(conversation)[0].body == "Hello from Acme's bot"


def test_a_known_question_is_answered_with_its_source_article(zh_world):
    conversation = say(zh_world, "收货地址写错了怎么办")

    reply = last_bot(conversation)
    assert reply["kind"] == "answer"
    assert reply["body"] == "发货前可在订单详情中修改收货地址。"
    assert reply["source"]["title"] == "如何修改收货地址"
    assert reply["source"]["url"].endswith(
        f"/help/{zh_world.workspace.slug}/articles/change-address-zh/?lang=zh-CN"
    )
    assert conversation.status == Status.BOT
    stored = BotReply.objects.get()
    assert (stored.kind, stored.intent) == ("answer", "change_address")


def test_an_english_question_gets_the_english_answer(world):
    knowledge_base(world)
    bot_on(world)

    conversation = say(world, "where is my refund")

    reply = last_bot(conversation)
    assert reply["body"].startswith("Approved refunds")
    assert "/articles/refund-time/" in reply["source"]["url"]


def test_an_unsure_question_offers_choices_and_picking_one_answers_it(zh_world):
    from parley.bot.conversation.visitor import bot_choice_pick

    conversation = say(zh_world, "退款 地址")

    reply = last_bot(conversation)
    assert reply["kind"] == "suggest"
    questions = [c["question"] for c in reply["choices"]]
    assert questions[:2] == ["怎么修改收货地址", "退款多久到账"]

    bot_choice_pick(
        contact=zh_world.contact,
        conversation_id=conversation.pk,
        faq_id=reply["choices"][1]["faq"],
    )

    customer = conversation.messages.filter(sender_type="contact").order_by("-seq").first()
    assert customer is not None and customer.body == "退款多久到账"
    answer = last_bot(conversation)
    assert answer["kind"] == "answer"
    assert answer["body"].startswith("退款审核通过后")


def test_a_choice_not_on_offer_is_refused(zh_world):
    from parley.bot.conversation.visitor import bot_choice_pick
    from parley.bot.models import Faq
    from parley.errors import ApplicationError, ErrorCode

    conversation = say(zh_world, "收货地址写错了怎么办")
    faq = Faq.objects.get(question="退款多久到账")

    with pytest.raises(ApplicationError) as refused:
        bot_choice_pick(contact=zh_world.contact, conversation_id=conversation.pk, faq_id=faq.pk)

    assert refused.value.code == ErrorCode.INVALID
    assert last_bot(conversation)["kind"] == "answer"  # nothing added


def test_an_unknown_question_is_refused_and_two_refusals_hand_over(zh_world):
    conversation = say(zh_world, "今天天气怎么样")

    assert last_bot(conversation)["kind"] == "refuse"
    assert last_bot(conversation)["body"].startswith("抱歉")
    assert conversation.status == Status.BOT

    conversation = say(zh_world, "给我讲个笑话", conversation)

    assert conversation.status == Status.QUEUED
    session = BotSession.objects.get(conversation=conversation)
    assert (session.low_confidence_turns, session.handoff_reason) == (2, "low_confidence")
    assert last_bot(conversation)["kind"] == "handoff"


@pytest.mark.parametrize("words", ["转人工", "我要人工", "human", "Can I talk to an agent"])
def test_asking_for_a_person_hands_over_with_the_intent_as_topic(zh_world, words):
    conversation = say(zh_world, "收货地址写错了怎么办")

    conversation = say(zh_world, words, conversation)

    assert conversation.status == Status.QUEUED
    assert conversation.queued_at is not None
    assert conversation.topic == "change_address"
    event = conversation.messages.filter(data__event="bot_handoff").get()
    assert event.private is True  # staff-only
    assert event.data["reason"] == "requested"
    assert event.data["intent"] == "change_address"
    assert event.data["skill"] == "logistics"
    assert "正在为您转接人工客服" in last_bot(conversation)["body"]


def test_an_angry_message_hands_over(zh_world):
    conversation = say(zh_world, "你们这服务太差了")

    assert conversation.status == Status.QUEUED
    assert BotSession.objects.get(conversation=conversation).handoff_reason == "negative"


def test_the_talk_to_a_person_button_hands_over(zh_world):
    from parley.bot.conversation.visitor import bot_handoff_request

    conversation = say(zh_world, "你好")

    bot_handoff_request(contact=zh_world.contact, conversation_id=conversation.pk)

    conversation.refresh_from_db()
    assert conversation.status == Status.QUEUED
    assert BotSession.objects.get(conversation=conversation).handoff_reason == "button"


def test_the_bot_is_quiet_once_handed_over(zh_world):
    conversation = say(zh_world, "转人工")
    before = len(bot_messages(conversation))

    conversation = say(zh_world, "收货地址写错了怎么办", conversation)

    assert len(bot_messages(conversation)) == before


def test_an_agent_who_replies_takes_the_conversation_from_the_bot(zh_world):
    conversation = say(zh_world, "你好")
    before = len(bot_messages(conversation))

    message_send(
        conversation=conversation, sender=Sender.of_member(zh_world.agent), body="我来帮您"
    )
    conversation = say(zh_world, "收货地址写错了怎么办", conversation)

    assert conversation.status == Status.OPEN
    assert conversation.assignee == zh_world.agent
    assert len(bot_messages(conversation)) == before


def test_without_an_intent_model_the_bot_answers_from_search(world):
    world.contact.locale = "zh-CN"
    world.contact.save(update_fields=["locale"])
    knowledge_base(world, train=False)
    bot_on(world)

    conversation = say(world, "收货地址写错了怎么办")

    reply = last_bot(conversation)
    assert reply["kind"] == "answer"
    assert "修改收货地址" in reply["body"]
    assert "change-address-zh" in reply["source"]["url"]


def test_a_bot_turn_costs_a_fixed_number_of_queries(zh_world, django_assert_max_num_queries):
    from parley.bot.models import Faq

    conversation = say(zh_world, "收货地址写错了怎么办")  # warm: the model and search index
    # A much larger knowledge base must not make a turn read more rows or run more queries.
    Faq.objects.bulk_create(
        Faq(
            workspace=zh_world.workspace,
            question=f"问题 {n}",
            answer="答案",
            answer_text="答案",
            intent=f"other_{n}",
            locale="zh-CN",
            published=True,
        )
        for n in range(300)
    )

    # The whole customer message: storing it, automation, and the bot's turn and reply (21 now).
    with django_assert_max_num_queries(24):
        conversation = say(zh_world, "退款什么时候到", conversation)

    assert last_bot(conversation)["body"].startswith("退款审核通过后")

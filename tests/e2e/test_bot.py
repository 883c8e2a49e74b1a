"""The bot through the real front ends: a Chinese visitor asks the widget a knowledge-base
question and gets the right answer with its help-center link, rates it, asks for a person
("转人工"), and lands with Agent One, who sees the bot's transcript and the detected intent in
the console.

The test runs on a server of its own: the demo inbox is switched to "bot first" with least-busy
routing, and the demo workspace's intent model trained, with `parley` commands against that
server's database (the shared demo inbox stays a plain live chat for the other browser tests).
Screenshots go to test-artifacts/test_<name>-<step>.png."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, OpenPage, run_cli, running_server
from tests.e2e.test_routing import (
    ADMIN,
    AGENT1,
    conversation_of,
    member_id,
    open_console,
    wait_until,
)
from tests.e2e.test_widget import WIDGET, contact_id, open_widget, page_language, stored, write

pytestmark = pytest.mark.e2e


@pytest.fixture
def bot_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    setup = (
        "from parley.inboxes.models import Inbox; "
        "inbox = Inbox.objects.get(public_key='demo'); "
        "inbox.settings = {**inbox.settings, 'bot': {'enabled': True}, "
        "'routing': {'policy': 'least_busy'}}; "
        "inbox.save(update_fields=['settings'])"
    )
    with running_server(tmp_path_factory.mktemp("parley-e2e-bot")) as live:
        run_cli(live, "shell", "-c", setup)
        run_cli(live, "bot", "train", "--workspace", "demo")
        yield live


def test_a_chinese_visitor_is_answered_then_handed_to_an_agent_who_sees_the_intent(
    bot_server: LiveServer, open_page: OpenPage, screenshot: Any
) -> None:
    live = bot_server
    agent = open_page()
    open_console(agent, live, AGENT1)
    agent1_id = member_id(agent, live, AGENT1)

    # The visitor asks in Chinese: greeted, then answered with the address article's link.
    widget = open_page("zh-CN")
    page_language(widget, "zh-CN", "")
    open_widget(widget, live.url)
    write(widget, "收货地址写错了怎么办")
    expect(stored(widget, "收货地址写错了怎么办")).to_be_visible()
    bot = widget.locator(f"{WIDGET} .msg.other")
    expect(bot.filter(has_text="您好！我是智能助手")).to_be_visible()
    # The bot's greeting replaces the inbox's static one.
    expect(bot.filter(has_text="Hi! How can we help?")).to_have_count(0)
    answer = bot.filter(has_text="发货前可在订单详情中修改收货地址")
    expect(answer).to_be_visible()
    source = answer.locator(".bot-source a")
    expect(source).to_have_text("如何修改收货地址")
    assert (source.get_attribute("href") or "").endswith(
        "/help/demo/articles/change-address-zh/?lang=zh-CN"
    )
    # Still with the bot: nobody was given the conversation.
    contact = contact_id(widget)
    assert conversation_of(agent, live, contact)["status"] == "bot"
    expect(widget.locator(f"{WIDGET} .bot-bar button")).to_have_text("转人工客服")

    # The visitor finds the answer helpful.
    answer.locator('[data-rating="helpful"]').click()
    expect(answer.locator(".bot-rate .thanks")).to_have_text("感谢您的反馈")
    expect(answer.locator('[data-rating="helpful"]')).to_have_attribute("aria-pressed", "true")
    screenshot(widget, "answered")

    # An unclear question gets "did you mean" choices; clicking one answers it.
    write(widget, "退款 地址")
    choices = widget.locator(f"{WIDGET} .bot-choices").last
    expect(choices.locator("button")).to_have_count(2)
    choices.get_by_role("button", name="退款多久到账").click()
    expect(bot.filter(has_text="退款审核通过后")).to_be_visible()
    expect(stored(widget, "退款多久到账")).to_be_visible()
    expect(choices.locator("button").first).to_be_disabled()  # an offer answered is closed
    screenshot(widget, "did-you-mean")

    # Then asks for a person: told they are being connected, and routed to Agent One.
    write(widget, "转人工")
    expect(bot.filter(has_text="正在为您转接人工客服")).to_be_visible()
    expect(widget.locator(f"{WIDGET} .bot-bar")).to_have_count(0)
    wait_until(
        lambda: (conversation_of(agent, live, contact)["assignee"] or {}).get("id") == agent1_id
    )
    screenshot(widget, "handed-over")

    # Agent One opens it: the bot's transcript is the timeline, the intent is in the header
    # (topic) and in the handoff event, with the reason.
    conversation = conversation_of(agent, live, contact)
    agent.goto(f"{live.url}/app/demo/conversations/{conversation['id']}")
    timeline = agent.get_by_test_id("message")
    expect(timeline.filter(has_text="收货地址写错了怎么办")).to_be_visible()
    expect(timeline.filter(has_text="发货前可在订单详情中修改收货地址")).to_be_visible()
    event = agent.locator('[data-testid="event-line"][data-event="bot_handoff"]')
    expect(event).to_contain_text("The customer asked for a person")
    expect(event).to_contain_text("refund_status")  # the intent last answered
    expect(agent.get_by_test_id("conversation-status")).to_have_text("Open")
    expect(agent.locator("header").filter(has_text="refund_status").first).to_be_visible()
    screenshot(agent, "agent-sees-transcript")

    # The admin's Help bot page counts the conversation: handed over at the customer's request,
    # one helpful answer; and shows the demo inbox's bot switched on.
    admin = open_page()
    open_console(admin, live, ADMIN)
    admin.get_by_test_id("nav-bot").click()
    expect(admin.get_by_test_id("bot-handoff")).to_have_text("100%")
    expect(admin.get_by_test_id("bot-deflection")).to_have_text("0%")
    expect(admin.get_by_test_id("bot-analytics")).to_contain_text("👍 1 · 👎 0")
    expect(admin.get_by_test_id("bot-analytics")).to_contain_text("1 did-you-mean")
    expect(admin.get_by_text("The customer asked for a person: 1")).to_be_visible()
    expect(admin.get_by_test_id("bot-inbox").get_by_test_id("bot-enabled")).to_be_checked()
    screenshot(admin, "bot-page")

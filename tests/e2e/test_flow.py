"""One real conversation through both front ends at once: a visitor in the chat widget on the demo
page and an agent in the console, each in their own browser context, against one server.

Nothing is played by the test on either side: no socket is routed, no response rewritten. What
each UI shows is checked against what the server stored (REST). The leave-a-message path runs on
a server of its own where no console has ever connected, so nobody is online for real.

Screenshots go to test-artifacts/test_<name>-<step>.png; docs/images/ holds two of them."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, ViewportSize, expect

from tests.e2e.conftest import DEMO_PASSWORD, LiveServer, OpenPage, running_server
from tests.e2e.test_console import sign_in
from tests.e2e.test_widget import WIDGET, contact_id, open_widget, stored, write

pytestmark = pytest.mark.e2e

VIEWPORT: ViewportSize = {"width": 1280, "height": 800}  # the size of docs/images/*.png

HELLO = "Hi {name}, I'm Agent One. How can I help you today?"
REFUND = "您好 {name}，退款会在审核通过后 3-5 个工作日内原路退回。"


@pytest.fixture(scope="module")
def quiet_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own, with its own database and presence, where no console ever connects:
    the shared server keeps an agent "present" for 60 s after any console test."""
    with running_server(tmp_path_factory.mktemp("parley-e2e-quiet")) as server:
        yield server


# --- the agent's console -------------------------------------------------------------------------
def open_console(page: Page, server: LiveServer) -> None:
    """Signs agent1 in and waits until the console's socket is welcomed: from then on the agent
    counts as online, so the widget offers a live chat."""
    frames: list[dict[str, Any]] = []

    def on_socket(ws: Any) -> None:
        if ws.url.endswith("/ws/agent/"):
            ws.on("framereceived", lambda payload: frames.append(json.loads(payload)))

    page.on("websocket", on_socket)
    sign_in(page, server)
    deadline = time.monotonic() + 10
    while not any(f.get("type") == "welcome" for f in frames):
        assert time.monotonic() < deadline, "the console's socket was never welcomed"
        page.wait_for_timeout(100)


def conversation_of(page: Page, server: LiveServer, contact: int) -> dict[str, Any]:
    """The contact's one conversation, new and unassigned, as the console's list API gives it."""
    response = page.request.get(f"{server.url}/api/v1/workspaces/demo/conversations/?assignee=none")
    assert response.ok, response.text()
    rows = [c for c in response.json()["results"] if c["contact"]["id"] == contact]
    assert len(rows) == 1, rows
    return dict(rows[0])


def stored_messages(page: Page, server: LiveServer, conversation: int) -> list[dict[str, Any]]:
    path = f"/api/v1/workspaces/demo/conversations/{conversation}/messages/"
    response = page.request.get(server.url + path)
    assert response.ok, response.text()
    return list(response.json()["results"])


def console_messages(page: Page, text: str) -> Locator:
    return page.get_by_test_id("timeline").get_by_test_id("message").filter(has_text=text)


def pick_quick_reply(page: Page, shortcut: str) -> None:
    """Types /shortcut in the composer and picks it from the menu with the mouse."""
    composer = page.get_by_test_id("composer-input")
    composer.press_sequentially(f"/{shortcut}")
    option = (
        page.get_by_test_id("quick-replies").get_by_role("option").filter(has_text=f"/{shortcut}")
    )
    expect(option).to_be_visible()
    option.click()


# --- the visitor's widget ------------------------------------------------------------------------
def reply_in_widget(page: Page, text: str) -> Locator:
    """An agent's message as the widget shows it, once received from the server."""
    return page.locator(f"{WIDGET} .msg.other[data-seq]", has_text=text)


def make_png(path: Path) -> Path:
    """A small photo-like picture: a lamp on a table, drawn with Pillow."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 160), (236, 242, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 120, 240, 160), fill=(181, 139, 98))
    draw.polygon([(90, 40), (150, 40), (170, 80), (70, 80)], fill=(250, 204, 21))
    draw.rectangle((116, 80, 124, 118), fill=(71, 85, 105))
    draw.ellipse((96, 112, 144, 124), fill=(51, 65, 85))
    image.save(path, format="PNG")
    return path


# --- tests ---------------------------------------------------------------------------------------
def test_visitor_and_agent_talk_through_the_widget_and_the_console(
    live_server: LiveServer,
    open_page: OpenPage,
    screenshot: Any,
    tmp_path: Path,
) -> None:
    console = open_page("en-US")
    open_console(console, live_server)
    console.get_by_test_id("tab-unassigned").click()

    widget = open_page("en-US")
    visitor_context = widget.context
    open_widget(widget, live_server.url)
    expect(widget.locator(f"{WIDGET} form.leave")).to_have_count(0)  # an agent is online

    # The visitor writes: the new conversation appears in the console's list, live.
    first = "Hello! I ordered a desk lamp last week (order 2024-0815) and it has not arrived."
    write(widget, first)
    expect(stored(widget, first)).to_be_visible()
    conversation = conversation_of(console, live_server, contact_id(widget))
    visitor_name = conversation["contact"]["name"]
    row = console.get_by_test_id(f"conversation-{conversation['id']}")
    expect(row).to_contain_text(visitor_name)
    expect(row.get_by_test_id("conversation-preview")).to_have_text(first)
    expect(row.locator(".unread-count")).to_contain_text("1")
    row.click()
    timeline = console.get_by_test_id("timeline")
    expect(timeline).to_contain_text(first)
    expect(console.get_by_test_id("conversation-title")).to_have_text(visitor_name)
    console.get_by_test_id("tab-all").click()  # it moves to "Mine" once the agent replies

    # An emoji from the widget's picker, then a picture: both arrive live in the open timeline.
    box = widget.locator(f"{WIDGET} textarea")
    box.fill("Could you check where it is? ")
    widget.locator(f"{WIDGET} button[aria-label='Insert emoji']").click()
    widget.locator(f"{WIDGET} .emoji button[aria-label='🙏']").click()
    box.press("Enter")
    second = "Could you check where it is? 🙏"
    expect(stored(widget, second)).to_be_visible()
    expect(console_messages(console, second)).to_have_count(1)

    widget.locator(f"{WIDGET} input[type=file]").set_input_files(
        str(make_png(tmp_path / "lamp.png"))
    )
    expect(widget.locator(f"{WIDGET} .msg.own[data-seq] .image img")).to_have_count(1)
    picture = timeline.get_by_test_id("message").locator("img[alt='lamp.png']")
    expect(picture).to_be_visible()
    console.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    expect(row.get_by_test_id("conversation-preview")).to_have_text("📷 Image")
    expect(row.locator(".unread-count")).to_have_count(0)  # read as it arrived

    # The agent answers with the /hello quick reply, its variables filled in.
    composer = console.get_by_test_id("composer-input")
    pick_quick_reply(console, "hello")
    hello = HELLO.format(name=visitor_name)
    expect(composer).to_have_value(hello)
    composer.press("Enter")
    expect(console_messages(console, hello)).to_have_count(1)
    expect(console.get_by_test_id("outgoing")).to_have_count(0)
    expect(row.get_by_test_id("conversation-preview")).to_have_text(f"Agent: {hello}")
    # The first public reply takes the conversation: it is the agent's and open, on screen too.
    expect(console.get_by_test_id("conversation-status")).to_have_text("Open")
    expect(console.get_by_test_id("assignee")).to_contain_text("Agent One")
    expect(row).to_contain_text("Agent One")

    # The visitor sees the answer, with the agent's name.
    answer = reply_in_widget(widget, "How can I help you today?")
    expect(answer).to_have_count(1)
    expect(answer.locator(".name")).to_have_text("Agent One")
    composer.focus()
    screenshot(console, "console")
    screenshot(widget, "widget")

    stored_now = stored_messages(console, live_server, conversation["id"])
    said = [m for m in stored_now if m["kind"] != "event"]
    assert [(m["sender"]["type"], m["body"]) for m in said] == [
        ("contact", first),
        ("contact", second),
        ("contact", ""),
        ("agent", hello),
    ]
    assert [a["kind"] for a in said[2]["attachments"]] == ["image"]
    assert said[2]["attachments"][0]["name"] == "lamp.png"

    # The visitor reloads the page: the whole history is still there, in order.
    widget.reload()
    widget.locator(f"{WIDGET} .launcher").click()
    for text in (first, second):
        expect(stored(widget, text)).to_have_count(1)
    expect(widget.locator(f"{WIDGET} .msg.own[data-seq] .image img")).to_have_count(1)
    expect(reply_in_widget(widget, "How can I help you today?")).to_have_count(1)
    seqs = [
        int(s)
        for s in widget.locator(f"{WIDGET} .msg[data-seq]").evaluate_all(
            "els => els.map(el => el.dataset.seq)"
        )
    ]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))
    assert seqs[-1] == said[-1]["seq"]

    # The visitor goes offline and writes twice: both wait in the widget.
    visitor_context.set_offline(True)
    offline = ["Sorry, my train went into a tunnel.", "It is order 2024-0815, to Hangzhou."]
    for text in offline:
        write(widget, text)
    queued = widget.locator(f"{WIDGET} .msg.pending")
    expect(queued).to_have_count(2)
    expect(widget.locator(f"{WIDGET} .notice")).to_contain_text("offline")
    screenshot(widget, "offline")
    for text in offline:
        expect(console_messages(console, text)).to_have_count(0)

    # Back online: each reaches the agent exactly once, and is stored once.
    visitor_context.set_offline(False)
    for text in offline:
        expect(stored(widget, text)).to_have_count(1, timeout=15_000)
        expect(console_messages(console, text)).to_have_count(1)
    expect(queued).to_have_count(0)
    expect(row.get_by_test_id("conversation-preview")).to_have_text(offline[1])
    console.wait_for_timeout(1500)  # a late duplicate would show by now
    for text in offline:
        expect(console_messages(console, text)).to_have_count(1)
        expect(stored(widget, text)).to_have_count(1)
    screenshot(console, "after-offline")

    stored_now = stored_messages(console, live_server, conversation["id"])
    bodies = [m["body"] for m in stored_now]
    for text in offline:
        assert bodies.count(text) == 1, bodies
    resent = [m for m in stored_now if m["body"] in offline]
    assert [m["body"] for m in resent] == offline  # in the order written
    assert len({m["client_id"] for m in resent}) == 2
    assert all(m["sender"]["type"] == "contact" for m in resent)


def test_leave_a_message_when_no_agent_is_online(
    quiet_server: LiveServer,
    open_page: OpenPage,
    screenshot: Any,
) -> None:
    widget = open_page("en-US")
    widget.goto(f"{quiet_server.url}/demo/")
    widget.locator(f"{WIDGET} .launcher").click()

    # Nobody has a console open on this server: the widget offers a form, not a chat.
    form = widget.locator(f"{WIDGET} form.leave")
    expect(form).to_be_visible()
    expect(widget.locator(f"{WIDGET} textarea[aria-label='Message']")).to_have_count(0)
    text = "Please call me back about the refund for order 2024-0901. 谢谢！"
    form.get_by_label("Name").fill("Zhou Min")
    form.get_by_label("E-mail").fill("zhou.min@example.com")
    form.locator("textarea").fill(text)
    screenshot(widget, "form")
    form.get_by_role("button", name="Send message").click()
    expect(widget.locator(f"{WIDGET} .thanks")).to_be_visible()
    screenshot(widget, "thanks")

    # The team finds it queued, with the visitor's name and words (an admin, over REST).
    with httpx.Client(base_url=quiet_server.url, timeout=10) as admin:
        admin.get("/api/v1/auth/csrf").raise_for_status()
        admin.post(
            "/api/v1/auth/login",
            json={"email": "admin@demo.parley.test", "password": DEMO_PASSWORD},
            headers={"X-CSRFToken": admin.cookies.get("csrftoken") or ""},
        ).raise_for_status()
        queued = admin.get(
            "/api/v1/workspaces/demo/conversations/", params={"status": "queued"}
        ).json()["results"]
        left = [c for c in queued if (c["last_message"] or {}).get("body") == text]
        assert len(left) == 1, queued
        assert left[0]["contact"]["name"] == "Zhou Min"
        assert left[0]["assignee"] is None
        messages = admin.get(
            f"/api/v1/workspaces/demo/conversations/{left[0]['id']}/messages/"
        ).json()["results"]
    said = [m for m in messages if m["kind"] != "event"]
    assert [(m["sender"]["type"], m["body"]) for m in said] == [("contact", text)]
    # Sent with a client_id (a resend after a lost answer cannot leave it twice), and it is a
    # ticket now.
    assert said[0]["client_id"]
    events = [m["data"].get("event") for m in messages if m["kind"] == "event"]
    assert "ticket_created" in events


def test_both_uis_in_chinese(
    live_server: LiveServer,
    open_page: OpenPage,
    screenshot: Any,
) -> None:
    # The agent switches the console to 中文.
    console = open_page("en-US")
    open_console(console, live_server)
    console.get_by_test_id("locale").first.select_option("zh-CN")
    expect(console.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(console.get_by_test_id("tab-unassigned")).to_contain_text("未分配")
    console.get_by_test_id("tab-unassigned").click()

    # A visitor whose browser speaks Chinese: the demo page is served in Chinese and the widget
    # takes the page's language.
    widget = open_page("zh-CN")
    open_widget(widget, live_server.url)
    assert (widget.locator("html").get_attribute("lang") or "").lower().startswith("zh")
    expect(widget.locator(f"{WIDGET} .panel")).to_have_attribute("lang", "zh-CN")
    expect(widget.locator(f"{WIDGET} textarea")).to_have_attribute("placeholder", "输入消息…")
    expect(widget.locator(f"{WIDGET} .launcher")).to_have_attribute("aria-label", "关闭聊天")

    text = "你好，我买的台灯还没收到，想申请退款 🙏"
    write(widget, text)
    expect(stored(widget, text)).to_be_visible()
    conversation = conversation_of(console, live_server, contact_id(widget))
    name = conversation["contact"]["name"]
    row = console.get_by_test_id(f"conversation-{conversation['id']}")
    expect(row.get_by_test_id("conversation-preview")).to_have_text(text)
    expect(row).to_contain_text("排队中")
    row.click()
    expect(console.get_by_test_id("timeline")).to_contain_text(text)
    console.get_by_test_id("tab-all").click()
    expect(console.get_by_test_id("conversation-status")).to_have_text("排队中")
    expect(console.get_by_role("button", name="分配给我")).to_be_visible()

    # The agent answers with the Chinese quick reply; both sides show it in Chinese.
    pick_quick_reply(console, "refund")
    refund = REFUND.format(name=name)
    composer = console.get_by_test_id("composer-input")
    expect(composer).to_have_value(refund)
    composer.press("Enter")
    expect(console_messages(console, refund)).to_have_count(1)
    expect(console.get_by_test_id("conversation-status")).to_have_text("进行中")
    expect(row.get_by_test_id("conversation-preview")).to_have_text(f"客服：{refund}")
    expect(reply_in_widget(widget, "退款会在审核通过后")).to_have_count(1)
    expect(stored(widget, text).locator(".status")).to_contain_text("已读")
    composer.focus()
    screenshot(console, "console-zh-CN")
    screenshot(widget, "widget-zh-CN")


def test_the_console_offers_only_what_the_member_may_do(
    live_server: LiveServer,
    open_page: OpenPage,
) -> None:
    """Menus follow the membership's `permissions`: an agent takes or lets go of a conversation
    but does not assign others, and manages only personal quick replies; an admin does both."""
    agent = open_page("en-US")
    open_console(agent, live_server)
    visitor = open_page("en-US")
    open_widget(visitor, live_server.url)
    write(visitor, "Who can help me with an invoice?")
    expect(stored(visitor, "invoice")).to_be_visible()

    conversation = conversation_of(agent, live_server, contact_id(visitor))
    agent.get_by_test_id("tab-all").click()
    agent.get_by_test_id(f"conversation-{conversation['id']}").click()
    expect(agent.get_by_test_id("assignee")).to_contain_text("Nobody")
    expect(agent.get_by_test_id("assignee-select")).to_have_count(0)
    agent.get_by_test_id("assign-to-me").click()
    expect(agent.get_by_test_id("assignee")).to_contain_text("Agent One")
    agent.get_by_test_id("unassign").click()
    expect(agent.get_by_test_id("assignee")).to_contain_text("Nobody")
    expect(agent.get_by_test_id("unassign")).to_have_count(0)

    agent.get_by_role("link", name="Quick replies").click()
    shared = agent.get_by_role("row").filter(has_text="/hello")
    expect(shared).to_be_visible()
    expect(shared.get_by_role("button")).to_have_count(0)
    agent.get_by_test_id("canned-add").click()
    expect(agent.get_by_test_id("canned-scope").get_by_role("radio")).to_have_count(1)
    expect(agent.get_by_test_id("canned-scope").get_by_label("Only me")).to_be_checked()

    admin = open_page("en-US")
    sign_in(admin, live_server, "admin@demo.parley.test")
    admin.get_by_test_id("tab-all").click()
    admin.get_by_test_id(f"conversation-{conversation['id']}").click()
    expect(admin.get_by_test_id("assignee-select")).to_be_visible()
    expect(admin.get_by_test_id("assignee")).to_have_count(0)
    admin.get_by_role("link", name="Quick replies").click()
    expect(
        admin.get_by_role("row").filter(has_text="/hello").get_by_role("button", name="Edit")
    ).to_be_visible()
    admin.get_by_test_id("canned-add").click()
    expect(admin.get_by_test_id("canned-scope").get_by_role("radio")).to_have_count(3)

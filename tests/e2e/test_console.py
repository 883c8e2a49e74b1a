"""The agent console in a real browser: sign in, see a visitor's conversation arrive, follow it
live, reply, assign, resolve, reopen, write a private note, switch to Chinese and sign out.

Visitors are played with httpx against the widget API (the widget's own browser tests are
elsewhere); every outcome the console shows is checked against what the server stored."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import DEMO_PASSWORD, LiveServer, running_server

pytestmark = pytest.mark.e2e

AGENT1 = "agent1@demo.parley.test"
VIEWPORT = {"width": 1280, "height": 800}


@dataclass
class Visitor:
    server: LiveServer
    token: str
    conversation: int | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Origin": self.server.url, "Authorization": f"Bearer {self.token}"}

    def say(self, body: str) -> dict[str, Any]:
        response = httpx.post(
            f"{self.server.url}/api/widget/v1/messages",
            json={"client_id": str(uuid.uuid4()), "conversation": self.conversation, "body": body},
            headers=self.headers,
        )
        assert response.status_code == 201, response.text
        message: dict[str, Any] = response.json()
        self.conversation = int(message["conversation"])
        return message

    def visible_messages(self) -> list[dict[str, Any]]:
        response = httpx.get(
            f"{self.server.url}/api/widget/v1/conversations/{self.conversation}/messages",
            headers=self.headers,
        )
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results


def new_visitor(server: LiveServer, name: str) -> Visitor:
    response = httpx.post(
        f"{server.url}/api/widget/v1/sessions",
        json={"inbox": "demo", "name": name},
        headers={"Origin": server.url},
    )
    assert response.status_code == 201, response.text
    return Visitor(server=server, token=response.json()["token"])


def sign_in(page: Any, server: LiveServer, email: str = AGENT1) -> None:
    page.goto(f"{server.url}/app/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("tablist").wait_for()


def stored_messages(page: Any, server: LiveServer, conversation: int) -> list[dict[str, Any]]:
    """What the server stored, read with the console's own session (REST)."""
    response = page.request.get(
        f"{server.url}/api/v1/workspaces/demo/conversations/{conversation}/messages/"
    )
    assert response.ok, response.text()
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def conversation_state(page: Any, server: LiveServer, conversation: int) -> dict[str, Any]:
    response = page.request.get(
        f"{server.url}/api/v1/workspaces/demo/conversations/{conversation}/"
    )
    assert response.ok, response.text()
    state: dict[str, Any] = response.json()
    return state


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of this module's own: its tests count unread messages and list conversations,
    which the shared server's other tests (widgets, bots, tickets) keep adding to."""
    with running_server(tmp_path_factory.mktemp("parley-console")) as server:
        yield server


def test_console_follows_a_conversation_live_and_acts_on_it(
    live_server: LiveServer, page: Any, screenshot: Any
) -> None:
    from playwright.sync_api import expect

    for name, text in [
        ("Emma Wilson", "Can I change the delivery address of my order?"),
        ("陈静", "你好，我想申请退款。"),
    ]:
        new_visitor(live_server, name).say(text)
    visitor = new_visitor(live_server, "Li Wei")
    visitor.say("Hello, my parcel has not arrived yet.")
    conversation = visitor.conversation
    assert conversation is not None

    # Given an agent signed in, the visitor's new conversation is in the Unassigned tab.
    sign_in(page, live_server)
    screenshot(page, "signed-in")
    page.get_by_test_id("tab-unassigned").click()
    row = page.get_by_test_id(f"conversation-{conversation}")
    expect(row).to_contain_text("Li Wei")
    expect(row).to_contain_text("Queued")

    # When it is opened, the timeline shows what the visitor wrote.
    row.click()
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Hello, my parcel has not arrived yet.")
    expect(page.get_by_test_id("conversation-title")).to_have_text("Li Wei")

    # A new visitor message appears live, without a reload.
    visitor.say("Order number 2024-0042, 我在上海。")
    expect(timeline).to_contain_text("Order number 2024-0042, 我在上海。")

    # Assign to me: the status moves to open and the timeline records it.
    page.get_by_test_id("assign-to-me").click()
    expect(page.get_by_test_id("conversation-status")).to_have_text("Open")
    expect(timeline.get_by_test_id("event-line").last).to_contain_text("Agent One")
    assert conversation_state(page, live_server, conversation)["assignee"]["name"] == "Agent One"
    expect(page.get_by_test_id("tab-mine")).to_be_visible()

    # The agent replies with Enter; the reply is stored and reaches the visitor.
    composer = page.get_by_test_id("composer-input")
    composer.fill("Sorry about that! Let me check the parcel for you.")
    composer.press("Enter")
    expect(timeline.get_by_test_id("message").last).to_contain_text("Let me check the parcel")
    expect(page.get_by_test_id("outgoing")).to_have_count(0)
    expect(composer).to_have_value("")
    replies = [
        m
        for m in stored_messages(page, live_server, conversation)
        if m["sender"]["type"] == "agent"
    ]
    assert [m["body"] for m in replies] == ["Sorry about that! Let me check the parcel for you."]
    assert replies[0]["private"] is False
    assert "Let me check the parcel" in visitor.visible_messages()[-1]["body"]

    # Shift+Enter makes a new line instead of sending.
    composer.fill("Line one")
    composer.press("Shift+Enter")
    composer.type("line two")
    expect(composer).to_have_value("Line one\nline two")
    composer.fill("")

    # A private note is visibly different and never reaches the visitor.
    page.get_by_test_id("private-toggle").check()
    composer.fill("Internal: courier says it is delayed at customs.")
    composer.press("Enter")
    note = timeline.get_by_test_id("private-note").last
    expect(note).to_contain_text("courier says it is delayed")
    expect(note).to_contain_text("Private note")
    background = note.evaluate("el => getComputedStyle(el).backgroundColor")
    reply_background = timeline.get_by_test_id("message").last.evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert background != reply_background
    assert background == "rgb(255, 244, 214)"
    stored_note = stored_messages(page, live_server, conversation)[-1]
    assert stored_note["private"] is True
    assert all("customs" not in m["body"] for m in visitor.visible_messages())
    page.get_by_test_id("private-toggle").uncheck()

    # The visitor writes once more while the agent is looking: it arrives live and unread stays 0.
    visitor.say("Thank you! 谢谢 😊")
    expect(timeline).to_contain_text("Thank you! 谢谢 😊")
    page.get_by_test_id("tab-all").click()
    expect(page.get_by_test_id("conversation-list")).to_contain_text("陈静")
    page.get_by_test_id("composer-input").focus()
    screenshot(page, "console")

    # Resolve, then reopen.
    page.get_by_test_id("resolve").click()
    expect(page.get_by_test_id("conversation-status")).to_have_text("Resolved")
    assert conversation_state(page, live_server, conversation)["status"] == "resolved"
    page.get_by_test_id("reopen").click()
    expect(page.get_by_test_id("conversation-status")).to_have_text("Open")
    assert conversation_state(page, live_server, conversation)["status"] == "open"
    events = [
        m["data"].get("event")
        for m in stored_messages(page, live_server, conversation)
        if m["kind"] == "event"
    ]
    assert events[-2:] == ["status_changed", "reopened"]
    expect(timeline.get_by_test_id("event-line").last).to_contain_text("reopened")


def test_console_lists_new_conversations_live_with_unread_counts(
    live_server: LiveServer, page: Any, screenshot: Any
) -> None:
    from playwright.sync_api import expect

    sign_in(page, live_server)
    page.get_by_test_id("tab-all").click()

    # A conversation started after the agent signed in appears at the top, with its unread count.
    visitor = new_visitor(live_server, "Zhang San")
    # (No word the demo's automation rules react to: their events would count as unread too.)
    visitor.say("你好，我想问一下发货时间。")
    visitor.say("订单号 7788。")
    row = page.get_by_test_id(f"conversation-{visitor.conversation}")
    expect(row).to_contain_text("Zhang San")
    expect(row.locator(".unread-count")).to_contain_text("2")
    first = page.get_by_test_id("conversation-list").locator("li").first
    expect(first).to_contain_text("Zhang San")

    # Opening it reads it: the count goes away here and on the server.
    row.click()
    expect(page.get_by_test_id("timeline")).to_contain_text("订单号 7788。")
    expect(row.locator(".unread-count")).to_have_count(0)
    page.wait_for_timeout(300)
    listing = page.request.get(
        f"{live_server.url}/api/v1/workspaces/demo/conversations/?assignee=none"
    ).json()["results"]
    mine = next(c for c in listing if c["id"] == visitor.conversation)
    assert mine["unread"] == 0

    # Typing from the visitor's side is not tested here (the widget's tests own its socket);
    # the filter by status narrows the list.
    page.get_by_test_id("filter-status").select_option("resolved")
    expect(page.get_by_test_id(f"conversation-{visitor.conversation}")).to_have_count(0)
    page.get_by_test_id("filter-status").select_option("")
    expect(page.get_by_test_id(f"conversation-{visitor.conversation}")).to_be_visible()
    screenshot(page, "list")


def test_console_in_chinese_and_sign_out(
    live_server: LiveServer, page: Any, screenshot: Any
) -> None:
    from playwright.sync_api import expect

    visitor = new_visitor(live_server, "王芳")
    visitor.say("请问周末发货吗？")

    sign_in(page, live_server)
    page.get_by_test_id("locale").first.select_option("zh-CN")
    expect(page.get_by_test_id("tab-mine")).to_contain_text("我的")
    expect(page.get_by_test_id("tab-unassigned")).to_contain_text("未分配")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_test_id("tab-unassigned").click()
    page.get_by_test_id(f"conversation-{visitor.conversation}").click()
    expect(page.get_by_test_id("conversation-status")).to_have_text("排队中")
    expect(page.get_by_test_id("composer-input")).to_have_attribute(
        "placeholder", re.compile("输入回复")
    )
    expect(page.get_by_role("button", name="分配给我")).to_be_visible()
    screenshot(page, "zh-CN")

    # The choice survives a reload.
    page.reload()
    expect(page.get_by_test_id("tab-mine")).to_contain_text("我的")

    # Sign out: back to the sign-in page, and the console is closed to this browser.
    page.get_by_test_id("logout").click()
    # exact: the sign-out button itself is named 退出登录, which contains 登录.
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/app/login"))
    assert page.request.get(f"{live_server.url}/api/v1/auth/me").status in (401, 403)
    page.goto(f"{live_server.url}/app/demo/conversations")
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()
    assert "/app/login" in page.url
    screenshot(page, "signed-out")

"""The console's working tools in a real browser: quick replies with variables, the emoji
picker, image attachments, the visitor's typing and read state, history search and the
quick-reply management page."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from websockets.sync.client import connect
from websockets.typing import Origin

from tests.e2e.conftest import LiveServer
from tests.e2e.test_console import new_visitor, sign_in, stored_messages

pytestmark = pytest.mark.e2e


def png_bytes() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (64, 48), (36, 86, 214))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def open_conversation(page: Any, conversation: int | None) -> None:
    page.get_by_test_id("tab-all").click()
    page.get_by_test_id(f"conversation-{conversation}").click()
    page.get_by_test_id("timeline").wait_for()


def test_console_quick_replies_emoji_and_images(
    live_server: LiveServer,
    page: Any,
    screenshot: Any,
) -> None:
    from playwright.sync_api import expect

    visitor = new_visitor(live_server, "Sun Li")
    visitor.say("How long does a refund take?")
    sign_in(page, live_server)
    open_conversation(page, visitor.conversation)
    composer = page.get_by_test_id("composer-input")

    # Typing "/" opens the quick replies; the choice is inserted with its variables filled in.
    composer.fill("")
    composer.type("/hel")
    menu = page.get_by_test_id("quick-replies")
    expect(menu).to_contain_text("/hello")
    screenshot(page, "quick-replies")
    composer.press("Enter")
    expect(composer).to_have_value("Hi Sun Li, I'm Agent One. How can I help you today?")

    # The emoji picker inserts at the caret.
    page.get_by_role("button", name="Insert emoji").click()
    page.get_by_role("dialog", name="Insert emoji").get_by_role("button", name="👍").click()
    expect(composer).to_have_value("Hi Sun Li, I'm Agent One. How can I help you today?👍")
    composer.press("Enter")
    expect(page.get_by_test_id("timeline").get_by_test_id("message").last).to_contain_text(
        "How can I help you today?👍"
    )
    bodies = [
        m["body"]
        for m in stored_messages(page, live_server, visitor.conversation or 0)
        if m["sender"]["type"] == "agent"
    ]
    assert bodies[-1] == "Hi Sun Li, I'm Agent One. How can I help you today?👍"

    # A Chinese quick reply found by its shortcut.
    composer.type("/refund")
    composer.press("Enter")
    expect(composer).to_have_value(re.compile("^您好 Sun Li，退款会在"))
    composer.fill("")

    # An image: uploaded, previewed in the timeline, stored on the message.
    page.locator("input[type=file]").set_input_files(
        {"name": "receipt.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    expect(page.get_by_test_id("composer").locator("img")).to_be_visible()
    composer.fill("Here is the receipt")
    composer.press("Enter")
    last = page.get_by_test_id("timeline").get_by_test_id("message").last
    expect(last).to_contain_text("Here is the receipt")
    expect(last.locator("img")).to_be_visible()
    assert last.locator("img").evaluate("img => img.naturalWidth") > 0
    stored = stored_messages(page, live_server, visitor.conversation or 0)[-1]
    assert [a["kind"] for a in stored["attachments"]] == ["image"]
    screenshot(page, "image")


def test_console_shows_the_visitors_typing_and_reading(
    live_server: LiveServer,
    page: Any,
    screenshot: Any,
) -> None:
    from playwright.sync_api import expect

    visitor = new_visitor(live_server, "Typing Tom")
    visitor.say("Are you there?")
    sign_in(page, live_server)
    open_conversation(page, visitor.conversation)
    page.get_by_test_id("composer-input").fill("Yes, I am here.")
    page.get_by_test_id("composer-input").press("Enter")
    expect(page.get_by_test_id("outgoing")).to_have_count(0)
    reply_seq = stored_messages(page, live_server, visitor.conversation or 0)[-1]["seq"]

    ws_url = live_server.url.replace("http://", "ws://") + "/ws/widget/"
    with connect(ws_url, origin=Origin(live_server.url)) as socket:
        socket.send(json.dumps({"type": "hello", "token": visitor.token, "resume": {}}))
        assert json.loads(socket.recv(timeout=5))["type"] == "welcome"
        socket.send(
            json.dumps({"type": "typing", "conversation": visitor.conversation, "on": True})
        )
        expect(page.get_by_test_id("typing")).to_contain_text("Typing Tom is typing")
        socket.send(
            json.dumps({"type": "typing", "conversation": visitor.conversation, "on": False})
        )
        expect(page.get_by_test_id("typing")).not_to_contain_text("typing")
        socket.send(
            json.dumps({"type": "read", "conversation": visitor.conversation, "seq": reply_seq})
        )
        expect(page.get_by_test_id("timeline").get_by_test_id("message").last).to_contain_text(
            "Seen"
        )


def test_console_search_and_quick_reply_management(
    live_server: LiveServer,
    page: Any,
    screenshot: Any,
) -> None:
    from playwright.sync_api import expect

    visitor = new_visitor(live_server, "Refund Rui")
    visitor.say("我想申请退款，订单 5521")
    sign_in(page, live_server)

    # Search finds Chinese words inside a longer sentence and opens the conversation.
    page.get_by_role("link", name="Search").click()
    page.get_by_test_id("search-input").fill("退款")
    page.get_by_test_id("search-input").press("Enter")
    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text("Refund Rui")
    expect(results.locator("mark").first).to_have_text("退款")
    screenshot(page, "search")
    results.get_by_role("link").filter(has_text="Refund Rui").first.click()
    expect(page.get_by_test_id("conversation-title")).to_have_text("Refund Rui")

    # Quick replies: add a personal one, edit it, use it, delete it.
    page.get_by_role("link", name="Quick replies").click()
    expect(page.get_by_role("cell", name="/hello")).to_be_visible()
    page.get_by_test_id("canned-add").click()
    form = page.get_by_test_id("canned-form")
    form.get_by_label("Shortcut").fill("ship")
    form.get_by_label("Title").fill("Shipping time")
    form.get_by_label("Text").fill("Hi {{contact.name}}, orders ship within 24 hours.")
    form.get_by_label("Only me").check()
    form.get_by_role("button", name="Save").click()
    row = page.get_by_role("row").filter(has_text="/ship")
    expect(row).to_contain_text("Shipping time")
    expect(row).to_contain_text("Only me")
    row.get_by_role("button", name="Edit").click()
    page.get_by_test_id("canned-form").get_by_label("Title").fill("Shipping times")
    page.get_by_test_id("canned-form").get_by_role("button", name="Save").click()
    expect(page.get_by_role("row").filter(has_text="/ship")).to_contain_text("Shipping times")
    screenshot(page, "quick-replies-page")
    listed = page.request.get(f"{live_server.url}/api/v1/workspaces/demo/canned-responses/").json()
    mine = [c for c in listed if c["shortcut"] == "ship"]
    assert mine and mine[0]["title"] == "Shipping times" and mine[0]["scope"] == "personal"

    page.get_by_role("link", name="Conversations").click()
    open_conversation(page, visitor.conversation)
    composer = page.get_by_test_id("composer-input")
    composer.type("/ship")
    composer.press("Enter")
    expect(composer).to_have_value("Hi Refund Rui, orders ship within 24 hours.")
    composer.fill("")

    page.get_by_role("link", name="Quick replies").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("row").filter(has_text="/ship").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("row").filter(has_text="/ship")).to_have_count(0)
    listed = page.request.get(f"{live_server.url}/api/v1/workspaces/demo/canned-responses/").json()
    assert all(c["shortcut"] != "ship" for c in listed)


class SocketSwitch:
    """Stands between the console and /ws/agent/ (Playwright's WebSocket routing): `cut()`
    drops the live connection and refuses new ones until `restore()`, as a network outage would.
    `sent` records every frame the console sent to the server."""

    def __init__(self) -> None:
        self.up = True
        self.live: list[Any] = []
        self.sent: list[dict[str, Any]] = []

    def handle(self, ws: Any) -> None:
        if not self.up:
            ws.close(code=1011, reason="offline")
            return
        server = ws.connect_to_server()

        def to_server(message: str | bytes) -> None:
            self.sent.append(json.loads(message))
            server.send(message)

        ws.on_message(to_server)
        self.live.append(ws)

    def cut(self) -> None:
        self.up = False
        for ws in self.live:
            ws.close(code=1011, reason="offline")
        self.live = []

    def restore(self) -> None:
        self.up = True


def test_console_survives_a_dropped_connection(
    live_server: LiveServer,
    page: Any,
    screenshot: Any,
) -> None:
    from playwright.sync_api import expect

    switch = SocketSwitch()
    page.route_web_socket(re.compile(r"/ws/agent/$"), switch.handle)
    visitor = new_visitor(live_server, "Flaky Network")
    visitor.say("Hello?")
    sign_in(page, live_server)
    open_conversation(page, visitor.conversation)
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Hello?")

    # The connection drops: the console says so and keeps what the agent writes.
    switch.cut()
    expect(page.get_by_test_id("connection-offline")).to_be_visible()
    composer = page.get_by_test_id("composer-input")
    composer.fill("Written while offline")
    composer.press("Enter")
    expect(page.get_by_test_id("outgoing")).to_have_attribute("data-state", "queued")
    visitor.say("Sent by the visitor during the outage")
    screenshot(page, "offline")

    # Back online: the missed message is replayed and the queued one is stored exactly once.
    switch.restore()
    expect(page.get_by_test_id("connection-offline")).to_have_count(0, timeout=20_000)
    expect(timeline).to_contain_text("Sent by the visitor during the outage")
    expect(page.get_by_test_id("outgoing")).to_have_count(0)
    expect(
        timeline.get_by_test_id("message").filter(has_text="Written while offline")
    ).to_have_count(1)
    hellos = [f for f in switch.sent if f["type"] == "hello"]
    assert len(hellos) >= 2
    assert str(visitor.conversation) in hellos[-1]["resume"]
    stored = stored_messages(page, live_server, visitor.conversation or 0)
    assert [m["body"] for m in stored].count("Written while offline") == 1
    assert [m["body"] for m in stored].count("Sent by the visitor during the outage") == 1
    creates = [f for f in switch.sent if f["type"] == "message.create"]
    assert len({f["client_id"] for f in creates}) == 1


def test_console_admin_assigns_to_another_agent(
    live_server: LiveServer,
    page: Any,
) -> None:
    from playwright.sync_api import expect

    visitor = new_visitor(live_server, "Handover Hu")
    visitor.say("Can someone from technical support help?")
    sign_in(page, live_server, "admin@demo.parley.test")
    open_conversation(page, visitor.conversation)

    page.get_by_test_id("assignee-select").select_option(label="Agent Two")
    expect(page.get_by_test_id("assignee-select")).to_have_value(re.compile(r"\d+"))
    expect(page.get_by_test_id("timeline").get_by_test_id("event-line").last).to_contain_text(
        "Assigned to Agent Two by Demo Admin"
    )
    state = page.request.get(
        f"{live_server.url}/api/v1/workspaces/demo/conversations/{visitor.conversation}/"
    ).json()
    assert state["assignee"]["name"] == "Agent Two"
    assert state["status"] == "open"

    page.get_by_test_id("team-select").select_option(label="Technical support")
    expect(page.get_by_test_id("timeline").get_by_test_id("event-line").last).to_contain_text(
        "Team set to Technical support"
    )


NOTIFICATION_SPY = """
window.__notifications = [];
class SpyNotification {
  static permission = "default";
  static requestPermission() {
    SpyNotification.permission = "granted";
    return Promise.resolve("granted");
  }
  constructor(title, options) {
    window.__notifications.push({ title, body: options && options.body });
  }
  close() {}
}
window.Notification = SpyNotification;
"""


def test_console_notifies_when_asked_to(
    live_server: LiveServer,
    page: Any,
) -> None:
    from playwright.sync_api import expect

    page.add_init_script(NOTIFICATION_SPY)
    sign_in(page, live_server)
    assert page.evaluate("window.__notifications.length") == 0

    # Permission is asked from the button, not on load.
    assert page.evaluate("Notification.permission") == "default"
    page.get_by_role("button", name="Enable notifications").click()
    expect(page.get_by_role("button", name="Notifications on")).to_be_visible()

    visitor = new_visitor(live_server, "Ping Pan")
    visitor.say("Anyone there?")
    page.wait_for_function("window.__notifications.length > 0")
    titles = page.evaluate("window.__notifications.map(n => n.title)")
    assert "New conversation from Ping Pan" in titles

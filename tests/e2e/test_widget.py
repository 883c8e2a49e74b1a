"""The chat widget on the demo page, driven as a visitor would: open it, write, go offline,
reload, read replies. Each test gets a fresh browser context, so a fresh visitor.

The agent side is the REST API (and, for typing, the agent socket), so these tests depend on the
server and the widget only, not on the console."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, WebSocketRoute, expect
from websockets.sync.client import ClientConnection, connect

from tests.e2e.conftest import DEMO_PASSWORD, LiveServer

pytestmark = pytest.mark.e2e

WIDGET = "parley-widget"  # the host element; Playwright's CSS locators pierce its open shadow root
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}


# --- the visitor ---------------------------------------------------------------------------------
def new_visitor(browser: Browser, **options: Any) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=options.pop("viewport", DESKTOP), **options)
    return context, context.new_page()


def open_widget(page: Page, url: str) -> None:
    page.goto(f"{url}/demo/")
    page.locator(f"{WIDGET} .launcher").click()
    expect(page.locator(f"{WIDGET} textarea")).to_be_visible()


def write(page: Page, text: str) -> None:
    box = page.locator(f"{WIDGET} textarea")
    box.fill(text)
    box.press("Enter")


def stored(page: Page, text: str) -> Locator:
    """The visitor's own message once the server has stored it (it then carries its seq)."""
    return page.locator(f"{WIDGET} .msg.own[data-seq]", has_text=text)


def contact_id(page: Page) -> int:
    return int(page.evaluate("JSON.parse(localStorage.getItem('parley:demo:state')).contactId"))


# --- the agent -----------------------------------------------------------------------------------
class Agent:
    """agent1 of the demo workspace, through the members' REST API."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=10)
        self.http.get("/api/v1/auth/csrf").raise_for_status()
        self.post(
            "/api/v1/auth/login",
            {"email": "agent1@demo.parley.test", "password": DEMO_PASSWORD},
        )

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.http.post(
            path, json=body, headers={"X-CSRFToken": self.http.cookies.get("csrftoken") or ""}
        )
        response.raise_for_status()
        return response.json()

    def conversations_of(self, contact: int) -> list[dict[str, Any]]:
        rows = self.http.get("/api/v1/workspaces/demo/conversations/").json()["results"]
        return [c for c in rows if c.get("contact", {}).get("id") == contact]

    def messages(self, conversation: int) -> list[dict[str, Any]]:
        path = f"/api/v1/workspaces/demo/conversations/{conversation}/messages/"
        return list(self.http.get(path).json()["results"])

    def bodies_of(self, contact: int) -> list[str]:
        return [
            m["body"]
            for c in self.conversations_of(contact)
            for m in self.messages(c["id"])
            if m["sender"]["type"] == "contact"
        ]

    def reply(self, conversation: int, body: str) -> dict[str, Any]:
        path = f"/api/v1/workspaces/demo/conversations/{conversation}/messages/"
        return dict(self.post(path, {"body": body}))

    def mark_read(self, conversation: int, seq: int) -> None:
        self.post(f"/api/v1/workspaces/demo/conversations/{conversation}/read/", {"seq": seq})

    @contextmanager
    def socket(self) -> Iterator[ClientConnection]:
        ws_url = self.url.replace("http://", "ws://") + "/ws/agent/"
        cookies = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        with connect(ws_url, additional_headers={"Cookie": cookies, "Origin": self.url}) as ws:
            ws.send(json.dumps({"type": "hello", "resume": {}}))
            yield ws


@pytest.fixture
def agent(live_server: LiveServer) -> Iterator[Agent]:
    agent = Agent(live_server.url)
    yield agent
    agent.http.close()


@pytest.fixture(autouse=True)
def agent_online(request: pytest.FixtureRequest, live_server: LiveServer) -> Iterator[None]:
    """The widget offers live chat only while someone who answers the inbox has a console open
    (a console socket marks its member present); tests of the away path patch that out."""
    if "agents_away" in request.fixturenames:
        yield
        return
    agent = Agent(live_server.url)
    with agent.socket() as ws:
        frames_until(ws, lambda f: f["type"] == "welcome")
        yield
    agent.http.close()


@pytest.fixture
def agents_away() -> None:
    """Requested by a test that wants no console open (see agent_online)."""


def patch_session(page: Page, **inbox: Any) -> list[dict[str, Any]]:
    """Rewrites the inbox part of the session response (availability, pre-chat settings) as the
    server would send it for an inbox configured that way; returns the request bodies seen."""
    seen: list[dict[str, Any]] = []

    def handle(route: Any) -> None:
        seen.append(json.loads(route.request.post_data or "{}"))
        response = route.fetch()
        data = response.json()
        data["inbox"].update(inbox)
        route.fulfill(response=response, json=data)

    page.route("**/api/widget/v1/sessions", handle)
    return seen


def wait_for(check: Any, timeout: float = 10) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def frames_until(ws: ClientConnection, wanted: Any, timeout: float = 10) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        if wanted(frame):
            return dict(frame)
    raise AssertionError("the expected frame never came")


# --- tests ---------------------------------------------------------------------------------------
def test_visitor_sends_text_and_emoji_and_history_survives_reload(
    browser: Browser, live_server: LiveServer, agent: Agent, screenshot: Any
) -> None:
    context, page = new_visitor(browser)
    open_widget(page, live_server.url)
    expect(page.locator(f"{WIDGET} .greeting")).to_contain_text("How can we help")

    write(page, "Hello, where is my parcel?")
    expect(stored(page, "where is my parcel")).to_be_visible()

    page.locator(f"{WIDGET} button[aria-label='Insert emoji']").click()
    page.locator(f"{WIDGET} .emoji button[aria-label='👍']").click()
    page.locator(f"{WIDGET} textarea").press("Enter")
    expect(stored(page, "👍")).to_be_visible()

    write(page, "Tracking: https://example.com/track?id=7 <b>not bold</b>")
    expect(stored(page, "Tracking")).to_be_visible()
    link = stored(page, "Tracking").locator("a")
    expect(link).to_have_attribute("href", "https://example.com/track?id=7")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow ugc")
    assert stored(page, "Tracking").locator("b").count() == 0  # text, never markup
    screenshot(page, "desktop")

    page.reload()
    page.locator(f"{WIDGET} .launcher").click()
    for text in ("where is my parcel", "👍", "not bold"):
        expect(stored(page, text)).to_be_visible()
    assert agent.bodies_of(contact_id(page)) == [
        "Hello, where is my parcel?",
        "👍",
        "Tracking: https://example.com/track?id=7 <b>not bold</b>",
    ]
    context.close()


def test_messages_written_offline_are_sent_once_when_back(
    browser: Browser, live_server: LiveServer, agent: Agent, screenshot: Any
) -> None:
    context, page = new_visitor(browser)
    open_widget(page, live_server.url)
    write(page, "Before the tunnel")
    expect(stored(page, "Before the tunnel")).to_be_visible()

    context.set_offline(True)
    write(page, "In the tunnel, one")
    write(page, "In the tunnel, two")
    queued = page.locator(f"{WIDGET} .msg.pending")
    expect(queued).to_have_count(2)
    expect(queued.first).to_contain_text("Waiting for connection")
    expect(page.locator(f"{WIDGET} .notice")).to_contain_text("offline")
    screenshot(page, "offline")
    # The queue outlives the page: it is in localStorage until acknowledged.
    outbox = page.evaluate("JSON.parse(localStorage.getItem('parley:demo:outbox'))")
    assert [item["body"] for item in outbox] == ["In the tunnel, one", "In the tunnel, two"]

    context.set_offline(False)
    expect(stored(page, "In the tunnel, one")).to_be_visible(timeout=15_000)
    expect(stored(page, "In the tunnel, two")).to_be_visible()
    expect(queued).to_have_count(0)
    assert page.evaluate("localStorage.getItem('parley:demo:outbox')") is None

    bodies = wait_for(lambda: agent.bodies_of(contact_id(page)))
    assert bodies == ["Before the tunnel", "In the tunnel, one", "In the tunnel, two"]
    context.close()


def test_a_queued_message_survives_a_reload_and_keeps_its_client_id(
    browser: Browser, live_server: LiveServer, agent: Agent
) -> None:
    context, page = new_visitor(browser)
    open_widget(page, live_server.url)
    write(page, "First")
    expect(stored(page, "First")).to_be_visible()
    # Simulate a message written just before the page went away, never acknowledged.
    page.evaluate(
        """localStorage.setItem('parley:demo:outbox', JSON.stringify([{
            client_id: '6f1c8a52-3b8e-4f5e-9d7e-0a1b2c3d4e5f', body: 'Left behind',
            attachments: [], created_at: new Date().toISOString()}]))"""
    )
    page.reload()
    page.locator(f"{WIDGET} .launcher").click()
    expect(stored(page, "Left behind")).to_be_visible()
    page.reload()  # the same client_id again must not store it twice
    page.locator(f"{WIDGET} .launcher").click()
    expect(stored(page, "Left behind")).to_have_count(1)

    rows = [
        m
        for c in agent.conversations_of(contact_id(page))
        for m in agent.messages(c["id"])
        if m["body"] == "Left behind"
    ]
    assert [m["client_id"] for m in rows] == ["6f1c8a52-3b8e-4f5e-9d7e-0a1b2c3d4e5f"]
    context.close()


def test_agent_reply_typing_and_read_receipt_reach_the_widget_live(
    browser: Browser, live_server: LiveServer, agent: Agent, screenshot: Any
) -> None:
    context, page = new_visitor(browser)
    open_widget(page, live_server.url)
    write(page, "Can I change my delivery address?")
    expect(stored(page, "delivery address")).to_be_visible()
    conversation = agent.conversations_of(contact_id(page))[0]["id"]

    with agent.socket() as ws:
        frames_until(ws, lambda f: f["type"] == "welcome")
        # Visitor → agent typing.
        page.locator(f"{WIDGET} textarea").press_sequentially("Also")
        typing = frames_until(ws, lambda f: f["type"] == "typing")
        assert typing["on"] is True and typing["by"]["type"] == "contact"
        # Agent → visitor typing.
        ws.send(json.dumps({"type": "typing", "conversation": conversation, "on": True}))
        expect(page.locator(f"{WIDGET} .typing")).to_contain_text("is typing")

    seq = int(stored(page, "delivery address").get_attribute("data-seq") or 0)
    agent.mark_read(conversation, seq)
    expect(stored(page, "delivery address").locator(".status")).to_contain_text("Read")

    page.locator(f"{WIDGET} .close").click()
    reply = agent.reply(conversation, "Yes — reply with the new address, see www.example.com.")
    badge = page.locator(f"{WIDGET} .badge")
    expect(badge).to_have_text("1")
    screenshot(page, "badge")
    page.locator(f"{WIDGET} .launcher").click()
    answer = page.locator(f"{WIDGET} .msg.other[data-seq='{reply['seq']}']")
    expect(answer).to_contain_text("reply with the new address")
    expect(answer.locator(".name")).to_have_text(reply["sender"]["name"])
    expect(answer.locator(".avatar")).to_be_visible()
    expect(answer.locator("a")).to_have_attribute("href", "https://www.example.com/")
    expect(page.locator(f"{WIDGET} .typing")).to_have_count(0)  # a reply ends the typing dots
    expect(badge).to_be_hidden()
    screenshot(page, "reply")
    context.close()


def page_language(page: Page, html_lang: str, data_locale: str) -> None:
    """Makes the demo page say `<html lang=html_lang>` and give its embed `data-locale` (empty:
    no attribute), before the loader reads them at window load. (A page of our own made with
    page.route would be an "unknown" address space that Chromium's local-network checks stop
    from opening a socket to 127.0.0.1, so the real demo page is dressed instead.)"""
    page.add_init_script(
        f"""document.addEventListener('DOMContentLoaded', () => {{
            const lang = {json.dumps(html_lang)}, locale = {json.dumps(data_locale)};
            if (lang) document.documentElement.lang = lang;
            else document.documentElement.removeAttribute('lang');
            if (locale) document.querySelector('script[data-inbox]').dataset.locale = locale;
        }});"""
    )


@pytest.mark.parametrize(
    ("browser_locale", "html_lang", "data_locale", "placeholder"),
    [
        ("en-US", "en", "zh-CN", "输入消息…"),  # data-locale overrides everything
        ("en-US", "zh-CN", "", "输入消息…"),  # then the page's language
        ("zh-CN", "", "", "输入消息…"),  # then the browser's
        ("zh-CN", "en", "", "Write a message…"),  # an English page stays English
        ("zh-CN", "zh", "en", "Write a message…"),
    ],
)
def test_locale_comes_from_data_locale_then_page_then_browser(
    browser: Browser,
    live_server: LiveServer,
    browser_locale: str,
    html_lang: str,
    data_locale: str,
    placeholder: str,
) -> None:
    context, page = new_visitor(browser, locale=browser_locale)
    page_language(page, html_lang, data_locale)
    open_widget(page, live_server.url)
    expect(page.locator(f"{WIDGET} textarea")).to_have_attribute("placeholder", placeholder)
    context.close()


def test_chinese_conversation_renders(
    browser: Browser, live_server: LiveServer, screenshot: Any
) -> None:
    context, page = new_visitor(browser, locale="zh-CN")
    page_language(page, "zh-CN", "")
    open_widget(page, live_server.url)
    write(page, "你好，我想申请退款 🙏")
    expect(stored(page, "申请退款")).to_be_visible()
    expect(page.locator(f"{WIDGET} .launcher")).to_have_attribute("aria-label", "关闭聊天")
    expect(page.locator(f"{WIDGET} .panel")).to_have_attribute("lang", "zh-CN")
    screenshot(page, "zh-CN")
    context.close()


def test_phone_layout_fills_the_screen(
    browser: Browser, live_server: LiveServer, screenshot: Any
) -> None:
    context, page = new_visitor(browser, viewport=PHONE, has_touch=True)
    page.goto(f"{live_server.url}/demo/")
    launcher = page.locator(f"{WIDGET} .launcher")
    expect(launcher).to_be_visible()
    screenshot(page, "closed")
    launcher.tap()
    write(page, "On my phone 📱 — is the store open on Sunday?")
    expect(stored(page, "On my phone")).to_be_visible()
    box = page.locator(f"{WIDGET} .panel").bounding_box()
    assert box is not None and box["width"] == PHONE["width"] and box["x"] == 0
    screenshot(page, "open")
    page.keyboard.press("Escape")
    expect(page.locator(f"{WIDGET} .panel")).to_be_hidden()
    context.close()


def test_host_page_css_cannot_break_the_widget_nor_the_widget_the_page(
    browser: Browser, live_server: LiveServer
) -> None:
    context, page = new_visitor(browser)
    page.goto(f"{live_server.url}/demo/")
    page.add_style_tag(
        content="* { font-size: 40px !important; color: red !important; }"
        " button, textarea { display: none !important; } .panel { display: none !important; }"
    )
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<button id=own>Page</button>')")
    launcher = page.locator(f"{WIDGET} .launcher")
    expect(launcher).to_be_visible()
    launcher.click()
    box = page.locator(f"{WIDGET} textarea")
    expect(box).to_be_visible()
    assert box.evaluate("el => getComputedStyle(el).fontSize") == "15px"
    # Our .launcher and .root rules do not reach the page's own elements.
    assert page.locator("#own").evaluate("el => getComputedStyle(el).position") != "fixed"
    context.close()


def test_keyboard_only_visitor_can_open_write_and_close(
    browser: Browser, live_server: LiveServer
) -> None:
    context, page = new_visitor(browser)
    page.goto(f"{live_server.url}/demo/")
    launcher = page.locator(f"{WIDGET} .launcher")
    launcher.focus()
    page.keyboard.press("Enter")
    box = page.locator(f"{WIDGET} textarea")
    expect(box).to_be_focused()
    page.keyboard.type("Typed with the keyboard")
    page.keyboard.press("Enter")
    expect(stored(page, "Typed with the keyboard")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(f"{WIDGET} .panel")).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    context.close()


def test_leave_a_message_when_nobody_can_chat(
    browser: Browser, live_server: LiveServer, agent: Agent, screenshot: Any, agents_away: None
) -> None:
    context, page = new_visitor(browser)
    patch_session(page, online=False)
    page.goto(f"{live_server.url}/demo/")
    page.locator(f"{WIDGET} .launcher").click()
    form = page.locator(f"{WIDGET} form.leave")
    expect(form).to_be_visible()
    expect(page.locator(f"{WIDGET} textarea[aria-label='Message']")).to_have_count(0)
    form.get_by_label("Name").fill("Wang Fang")
    form.get_by_label("E-mail").fill("wang.fang@example.com")
    form.locator("textarea").fill("Please call me back about order 1234.")
    screenshot(page, "form")
    form.get_by_role("button", name="Send message").click()
    expect(page.locator(f"{WIDGET} .thanks")).to_be_visible()
    screenshot(page, "thanks")

    conversations = agent.conversations_of(contact_id(page))
    assert len(conversations) == 1
    assert conversations[0]["contact"]["name"] == "Wang Fang"
    bodies = [m["body"] for m in agent.messages(conversations[0]["id"]) if m["kind"] != "event"]
    assert bodies == ["Please call me back about order 1234."]
    context.close()


def test_prechat_form_names_the_visitor_and_sets_the_topic(
    browser: Browser, live_server: LiveServer, agent: Agent, screenshot: Any
) -> None:
    context, page = new_visitor(browser)
    sessions = patch_session(
        page,
        prechat={
            "enabled": True,
            "fields": ["name", "email", "topic"],
            "topics": ["Orders", "Refunds"],
        },
    )
    page.goto(f"{live_server.url}/demo/")
    page.locator(f"{WIDGET} .launcher").click()
    form = page.locator(f"{WIDGET} form.prechat")
    expect(form).to_be_visible()
    form.get_by_label("Name").fill("Li Lei")
    form.get_by_label("E-mail").fill("li.lei@example.com")
    form.get_by_label("Topic").select_option("Refunds")
    screenshot(page, "form")
    form.get_by_role("button", name="Start chat").click()
    write(page, "My refund has not arrived")
    expect(stored(page, "refund has not arrived")).to_be_visible()

    assert sessions[-1]["name"] == "Li Lei" and sessions[-1]["email"] == "li.lei@example.com"
    conversation = agent.conversations_of(contact_id(page))[0]
    assert conversation["contact"]["name"] == "Li Lei"
    assert conversation.get("topic") == "Refunds"
    context.close()


def png_bytes(width: int = 64, height: int = 48) -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (width, height), (15, 118, 110)).save(out, format="PNG")
    return out.getvalue()


def test_images_upload_with_progress_and_show_inline_and_drop_works(
    browser: Browser, live_server: LiveServer, agent: Agent, screenshot: Any
) -> None:
    context, page = new_visitor(browser)
    open_widget(page, live_server.url)
    page.locator(f"{WIDGET} input[type=file]").set_input_files(
        {"name": "receipt.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    image = page.locator(f"{WIDGET} .msg.own[data-seq] .image img")
    expect(image).to_have_count(1)
    expect(image).to_have_attribute("alt", "receipt.png")
    page.wait_for_function(
        "() => document.querySelector('parley-widget').shadowRoot"
        ".querySelector('.msg.own[data-seq] .image img').naturalWidth > 0"
    )

    # Drag and drop onto the composer.
    page.evaluate(
        """(bytes) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], 'dropped.png', {type: 'image/png'}));
            const root = document.querySelector('parley-widget').shadowRoot;
            const init = {dataTransfer: data, bubbles: true, cancelable: true};
            const drop = new DragEvent('drop', init);
            root.querySelector('.footer').dispatchEvent(drop);
        }""",
        list(png_bytes(32, 32)),
    )
    expect(image).to_have_count(2)
    screenshot(page, "images")

    messages = [
        m
        for c in agent.conversations_of(contact_id(page))
        for m in agent.messages(c["id"])
        if m["attachments"]
    ]
    names = [a["name"] for m in messages for a in m["attachments"]]
    assert names == ["receipt.png", "dropped.png"]
    context.close()


def test_a_refused_upload_says_why(browser: Browser, live_server: LiveServer) -> None:
    context, page = new_visitor(browser)
    open_widget(page, live_server.url)
    page.locator(f"{WIDGET} input[type=file]").set_input_files(
        {
            "name": "invoice.png",
            "mimeType": "image/png",
            "buffer": b"<html><script>alert(1)</script></html>",
        }
    )
    expect(page.locator(f"{WIDGET} .upload.error")).to_contain_text(
        "That type of file cannot be sent."
    )
    expect(page.locator(f"{WIDGET} .msg.own")).to_have_count(0)
    context.close()


def agent_message(conversation: int, seq: int, **extra: Any) -> dict[str, Any]:
    message = {
        "id": 1000 + seq,
        "seq": seq,
        "conversation": conversation,
        "client_id": None,
        "sender": {"type": "agent", "id": 5, "name": "Agent Five"},
        "kind": "text",
        "body": f"number {seq}",
        "attachments": [],
        "private": False,
        "created_at": "2026-01-01T10:00:00Z",
        **extra,
    }
    return {"type": "message.created", "conversation": conversation, "message": message}


def test_frames_out_of_seq_order_or_twice_render_once_in_order_and_resume_from_the_last(
    browser: Browser, live_server: LiveServer
) -> None:
    """The socket is played by the test: frames arrive 3, 1, 2, 3, 1 and a private note."""
    context, page = new_visitor(browser)
    hellos: list[dict[str, Any]] = []

    def server(ws: WebSocketRoute) -> None:
        def on_message(message: str | bytes) -> None:
            frame = json.loads(message)
            if frame["type"] != "hello":
                return
            hellos.append(frame)
            ws.send(json.dumps({"type": "welcome", "contact": {"id": 1}, "conversations": []}))
            if len(hellos) == 1:
                for seq in (3, 1, 2, 3, 1):
                    ws.send(json.dumps(agent_message(999, seq)))
                ws.send(json.dumps(agent_message(999, 4, private=True, body="internal")))

        ws.on_message(on_message)

    page.route_web_socket("**/ws/widget/", server)
    open_widget(page, live_server.url)
    received = page.locator(f"{WIDGET} .msg.other[data-seq]")
    expect(received).to_have_count(3)
    assert [received.nth(i).get_attribute("data-seq") for i in range(3)] == ["1", "2", "3"]
    expect(page.locator(f"{WIDGET} .log")).not_to_contain_text("internal")
    # Shown in order, the name once for the run of messages from the same agent.
    expect(page.locator(f"{WIDGET} .msg.other:not(.cont) .name")).to_have_text(
        ["Website", "Agent Five"]
    )

    page.reload()
    page.locator(f"{WIDGET} .launcher").click()
    expect(received).to_have_count(3)  # from the cache; nothing replayed twice
    assert hellos[-1]["resume"].get("999") == 3
    context.close()

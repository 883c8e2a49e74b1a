"""Routing through the real front ends: visitors in the widget wait in a queue and watch their
place fall as an agent frees up; an agent transfers a conversation to another team and an agent
of that team gets it, with the note.

Each test runs on a server of its own (routing state and presence are per server). The demo
inbox routes manually; there is no inbox-settings API yet, so the test sets the inbox's routing
policy with `parley shell` against that server's database. Everything else goes through the
UIs: capacity is set in the supervisor view, availability with the console's switch, the
transfer with the conversation header's dialog. No socket is routed and no response rewritten.

Screenshots go to test-artifacts/test_<name>-<step>.png."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, ViewportSize, expect

from tests.e2e.conftest import LiveServer, OpenPage, run_cli, running_server
from tests.e2e.test_console import sign_in
from tests.e2e.test_widget import WIDGET, contact_id, open_widget, page_language, stored, write

pytestmark = pytest.mark.e2e

VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
ADMIN = "admin@demo.parley.test"
AGENT1 = "agent1@demo.parley.test"
AGENT2 = "agent2@demo.parley.test"
API = "/api/v1/workspaces/demo"


@pytest.fixture
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("parley-e2e-routing")) as server:
        yield server


def set_routing_policy(server: LiveServer, policy: str, **extra: int) -> None:
    """The demo inbox's routing policy, written into the server's own database."""
    routing = {"policy": policy, **extra}
    code = (
        "from parley.inboxes.models import Inbox; "
        "inbox = Inbox.objects.get(public_key='demo'); "
        f"inbox.settings = {{**inbox.settings, 'routing': {routing!r}}}; "
        "inbox.save(update_fields=['settings'])"
    )
    run_cli(server, "shell", "-c", code, timeout=60)


# --- the console ---------------------------------------------------------------------------------
def open_console(page: Page, server: LiveServer, email: str) -> None:
    """Signs in and waits until the console's socket is welcomed: from then on the member counts
    as present (and, being online, can be routed to)."""
    frames: list[dict[str, Any]] = []

    def on_socket(ws: Any) -> None:
        if ws.url.endswith("/ws/agent/"):
            ws.on("framereceived", lambda payload: frames.append(json.loads(payload)))

    page.on("websocket", on_socket)
    sign_in(page, server, email)
    deadline = time.monotonic() + 10
    while not any(f.get("type") == "welcome" for f in frames):
        assert time.monotonic() < deadline, "the console's socket was never welcomed"
        page.wait_for_timeout(100)


def api_get(page: Page, server: LiveServer, path: str) -> Any:
    response = page.request.get(f"{server.url}{API}{path}")
    assert response.ok, response.text()
    return response.json()


def member_id(page: Page, server: LiveServer, email: str) -> int:
    return next(int(m["id"]) for m in api_get(page, server, "/members/") if m["email"] == email)


def conversation_of(page: Page, server: LiveServer, contact: int) -> dict[str, Any]:
    rows = [
        c
        for c in api_get(page, server, "/conversations/")["results"]
        if c["contact"]["id"] == contact
    ]
    assert len(rows) == 1, rows
    return dict(rows[0])


def wait_until(check: Any, timeout: float = 15) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def assignee_id(page: Page, server: LiveServer, contact: int) -> int | None:
    assignee = conversation_of(page, server, contact)["assignee"]
    return int(assignee["id"]) if assignee else None


def queue_line(widget: Page) -> Locator:
    return widget.locator(f"{WIDGET} .queue .line")


# --- tests ---------------------------------------------------------------------------------------
def test_visitors_see_their_place_in_the_queue_fall_as_the_agent_frees_up(
    live: LiveServer,
    open_page: OpenPage,
    screenshot: Any,
) -> None:
    set_routing_policy(live, "least_busy")

    # The supervisor (admin) steps away from taking chats and gives Agent One a capacity of 1.
    admin = open_page()
    open_console(admin, live, ADMIN)
    switch = admin.get_by_test_id("availability-select")
    expect(switch).to_have_value("online")
    expect(admin.get_by_test_id("availability-status")).to_have_attribute("data-status", "online")
    switch.select_option("away")
    expect(admin.get_by_test_id("availability-status")).to_have_attribute("data-status", "away")
    assert api_get(admin, live, "/routing/me/")["availability"] == "away"
    admin.get_by_test_id("nav-supervisor").click()
    agent1_id = member_id(admin, live, AGENT1)
    agent1_row = admin.get_by_test_id(f"agent-{agent1_id}")
    agent1_row.get_by_test_id("agent-edit").click()
    form = admin.get_by_test_id("agent-form")
    form.get_by_test_id("agent-capacity").fill("1")
    form.get_by_test_id("agent-add-skill").click()
    form.get_by_label("Skill", exact=True).fill("refunds")
    form.get_by_label("Level (1–5)").select_option("4")
    form.get_by_test_id("agent-save").click()
    expect(form).to_have_count(0)
    expect(agent1_row.get_by_test_id("agent-load")).to_have_text("0 of 1")
    expect(agent1_row.get_by_test_id("agent-skills")).to_contain_text("refunds 4")
    expect(agent1_row.get_by_test_id("agent-status")).to_have_attribute("data-status", "offline")

    # Agent One opens the console: online by default, now present.
    agent = open_page()
    open_console(agent, live, AGENT1)
    expect(agent.get_by_test_id("availability-status")).to_have_attribute("data-status", "online")
    expect(agent1_row.get_by_test_id("agent-status")).to_have_attribute("data-status", "online")

    # The first visitor is routed to Agent One at once; the next two wait, 1st and 2nd in line.
    visitors: list[Page] = []
    conversations: list[dict[str, Any]] = []
    for n, locale in enumerate(["en-US", "en-US", "zh-CN"], start=1):
        widget = open_page(locale)
        if locale == "zh-CN":
            page_language(widget, "zh-CN", "")
        open_widget(widget, live.url)
        text = f"Hello, visitor {n} here: where is my parcel?"
        write(widget, text)
        expect(stored(widget, text)).to_be_visible()
        visitors.append(widget)
        conversations.append(conversation_of(admin, live, contact_id(widget)))
        if n == 1:
            contact = contact_id(widget)
            wait_until(lambda c=contact: assignee_id(admin, live, c) == agent1_id)
    first, second, third = visitors
    expect(second.locator(f"{WIDGET} .queue")).to_be_visible()
    expect(queue_line(second)).to_have_text(
        re.compile(r"^You're number 1 in line( · about \d+ min)?$")
    )
    expect(queue_line(third)).to_have_text(re.compile(r"^您前面还有 1 位( · 预计 \d+ 分钟)?$"))
    expect(first.locator(f"{WIDGET} .queue")).to_be_hidden()
    screenshot(second, "visitor-2-first-in-line")
    screenshot(third, "visitor-3-second-in-line-zh")

    # The supervisor sees the two waiting, in order, their waits counting up.
    queue = admin.get_by_test_id("queue")
    expect(queue.locator("tbody tr")).to_have_count(2)
    expect(queue.get_by_test_id("queue-position")).to_have_text(["1", "2"])
    waiting = queue.get_by_test_id(f"queue-row-{conversations[1]['id']}").get_by_test_id(
        "queue-waiting"
    )
    before = waiting.inner_text()
    expect(waiting).not_to_have_text(before, timeout=4000)
    expect(agent1_row.get_by_test_id("agent-load")).to_have_text("1 of 1")
    screenshot(admin, "supervisor")

    # Agent One resolves the first conversation: the second visitor is taken, the third moves up.
    def resolve(conversation: dict[str, Any]) -> None:
        agent.goto(f"{live.url}/app/demo/conversations/{conversation['id']}")
        expect(agent.get_by_test_id("conversation-status")).to_have_text("Open")
        agent.get_by_test_id("resolve").click()
        expect(agent.get_by_test_id("conversation-status")).to_have_text("Resolved")

    resolve(conversations[0])
    expect(second.locator(f"{WIDGET} .queue")).to_be_hidden()
    expect(queue_line(third)).to_have_text(re.compile(r"^下一位就是您( · 预计 \d+ 分钟)?$"))
    screenshot(third, "visitor-3-next-zh")
    assert conversation_of(admin, live, contact_id(second))["assignee"]["id"] == agent1_id
    expect(queue.locator("tbody tr")).to_have_count(1)

    resolve(conversations[1])
    expect(third.locator(f"{WIDGET} .queue")).to_be_hidden()
    taken = conversation_of(admin, live, contact_id(third))
    assert taken["assignee"]["id"] == agent1_id and taken["status"] == "open"
    expect(admin.get_by_test_id("queue-empty")).to_be_visible()
    screenshot(agent, "agent")


def test_a_transfer_to_another_team_reaches_an_agent_of_that_team_with_the_note(
    live: LiveServer,
    open_page: OpenPage,
    screenshot: Any,
) -> None:
    set_routing_policy(live, "least_busy")

    # Agent One (Consulting) is online first and so gets the visitor's conversation.
    agent1 = open_page()
    open_console(agent1, live, AGENT1)
    widget = open_page()
    open_widget(widget, live.url)
    write(widget, "My router keeps dropping the connection after the update.")
    expect(stored(widget, "My router keeps dropping")).to_be_visible()
    conversation = wait_until(
        lambda: (c := conversation_of(agent1, live, contact_id(widget)))["assignee"] and c
    )
    assert conversation["assignee"]["name"] == "Agent One"
    row = agent1.get_by_test_id(f"conversation-{conversation['id']}")
    expect(row).to_be_visible()  # in "Mine"
    row.click()

    # Agent Two (Technical support) comes online in a second console.
    agent2 = open_page()
    open_console(agent2, live, AGENT2)
    expect(agent2.get_by_test_id(f"conversation-{conversation['id']}")).to_have_count(0)

    # Agent One transfers it to Technical support with a note.
    note = "Customer already restarted the router twice; firmware 2.1.4. Please check the logs."
    agent1.get_by_test_id("transfer").click()
    dialog = agent1.get_by_test_id("transfer-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("A team (through routing)").check()
    dialog.get_by_test_id("transfer-team").select_option(label="Technical support")
    dialog.get_by_label("Note for the receiver (private)").fill(note)
    screenshot(agent1, "transfer-dialog")
    dialog.get_by_test_id("transfer-submit").click()
    expect(dialog).to_be_hidden()
    expect(agent1.get_by_test_id("toast-transferred")).to_contain_text("Technical support")
    expect(row).to_have_count(0)  # out of Agent One's "Mine"

    # Routing gives it to Agent Two, whose console shows it with the note.
    row2 = agent2.get_by_test_id(f"conversation-{conversation['id']}")
    expect(row2).to_be_visible()
    row2.click()
    timeline = agent2.get_by_test_id("timeline")
    expect(timeline).to_contain_text(note)
    expect(timeline).to_contain_text("Agent One transferred the conversation to Technical support")
    expect(agent2.get_by_test_id("assignee")).to_contain_text("Agent Two")
    stored_state = conversation_of(agent2, live, contact_id(widget))
    assert stored_state["assignee"]["name"] == "Agent Two"
    assert stored_state["team"]["name"] == "Technical support"
    screenshot(agent2, "received")

    # Agent Two hands it straight back to Agent One: a direct transfer shows a toast with the note.
    back = "Logs look clean; it is a billing question after all."
    agent2.get_by_test_id("transfer").click()
    dialog2 = agent2.get_by_test_id("transfer-dialog")
    dialog2.get_by_test_id("transfer-agent").select_option(label="Agent One")
    dialog2.get_by_label("Note for the receiver (private)").fill(back)
    dialog2.get_by_test_id("transfer-submit").click()
    toast = agent1.get_by_test_id("toast-transfer")
    expect(toast).to_contain_text("Agent Two transferred")
    expect(toast).to_contain_text(back)
    screenshot(agent1, "toast")
    toast.get_by_role("button", name="Open").click()
    expect(agent1.get_by_test_id("timeline")).to_contain_text(back)


def test_a_visitor_who_waits_too_long_is_offered_leave_a_message(
    live: LiveServer,
    open_page: OpenPage,
    screenshot: Any,
) -> None:
    set_routing_policy(live, "least_busy", queue_timeout_seconds=2)

    # Agent One is online but takes nothing (capacity 0, set by the supervisor): all must wait.
    admin = open_page()
    open_console(admin, live, ADMIN)
    admin.get_by_test_id("availability-select").select_option("offline")
    expect(admin.get_by_test_id("availability-status")).to_have_attribute("data-status", "offline")
    admin.get_by_test_id("nav-supervisor").click()
    agent1_row = admin.get_by_test_id(f"agent-{member_id(admin, live, AGENT1)}")
    agent1_row.get_by_test_id("agent-edit").click()
    admin.get_by_test_id("agent-capacity").fill("0")
    admin.get_by_test_id("agent-save").click()
    expect(agent1_row.get_by_test_id("agent-load")).to_have_text("0 of 0")
    agent = open_page()
    open_console(agent, live, AGENT1)

    widget = open_page()
    open_widget(widget, live.url)
    write(widget, "Is anybody there?")
    expect(stored(widget, "Is anybody there?")).to_be_visible()
    expect(queue_line(widget)).to_have_text("You're number 1 in line")  # nobody free: no estimate
    widget.wait_for_timeout(2500)
    # Back on the page (a reload reconnects and reads the queue again): the offer is there.
    widget.reload()
    widget.locator(f"{WIDGET} .launcher").click()
    offer = widget.locator(f"{WIDGET} .queue button")
    expect(offer).to_have_text("Leave a message")
    offer.click()
    form = widget.locator(f"{WIDGET} form.leave")
    expect(form).to_be_visible()
    screenshot(widget, "offer")
    expect(offer).to_have_text("Back to the chat")
    offer.click()
    expect(form).to_have_count(0)
    expect(widget.locator(f"{WIDGET} textarea")).to_be_visible()

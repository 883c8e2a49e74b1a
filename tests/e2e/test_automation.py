"""Automation through the real front ends: an admin writes a rule in the console; a visitor's
widget message with its keyword gets the team and priority; an agent applies a macro with one
click from the conversation header.

Screenshots go to test-artifacts/test_<name>-<step>.png."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.test_console import sign_in
from tests.e2e.test_routing import wait_until
from tests.e2e.test_widget import contact_id, open_widget, stored, write

pytestmark = pytest.mark.e2e

API = "/api/v1/workspaces/demo"
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}


def test_a_rule_made_in_the_console_routes_a_widget_message_and_a_macro_applies(
    browser: Browser, live_server: LiveServer, screenshot: Any
) -> None:
    # Given an admin who writes a rule: "invoice / 发票" → team Technical support, urgent.
    admin = browser.new_context(viewport=VIEWPORT, locale="en-US").new_page()
    sign_in(admin, live_server, "admin@demo.parley.test")
    admin.goto(f"{live_server.url}/app/demo/automation")
    admin.get_by_test_id("rule-add").click()
    editor = admin.get_by_test_id("rule-editor")
    editor.get_by_test_id("rule-name").fill("Invoices")
    editor.get_by_test_id("add-condition").click()
    words = editor.get_by_test_id("condition-words")
    words.fill("invoice, 发票")
    words.press("Tab")
    editor.get_by_test_id("action-priority").select_option("urgent")
    editor.get_by_test_id("add-action").click()
    editor.get_by_test_id("action-team").select_option(label="Technical support")
    screenshot(admin, "rule-editor")
    editor.get_by_test_id("rule-save").click()
    expect(admin.get_by_test_id("rule-row").filter(has_text="Invoices")).to_be_visible()
    screenshot(admin, "rules")

    # When a visitor writes a message with the keyword in the widget.
    visitor = browser.new_context(viewport=VIEWPORT).new_page()
    open_widget(visitor, live_server.url)
    write(visitor, "请开一张发票 please")
    expect(stored(visitor, "请开一张发票")).to_be_visible()
    contact = contact_id(visitor)

    # Then the conversation has the team and the timeline says which rule set the priority.
    def conversation() -> dict[str, Any] | None:
        rows = admin.request.get(f"{live_server.url}{API}/conversations/").json()["results"]
        mine = [c for c in rows if c["contact"]["id"] == contact]
        return mine[0] if mine and mine[0]["team"] else None

    found = wait_until(conversation)
    assert found["team"]["name"] == "Technical support"
    timeline = admin.request.get(
        f"{live_server.url}{API}/conversations/{found['id']}/messages/"
    ).json()
    bodies = [m["body"] for m in (timeline["results"] if isinstance(timeline, dict) else timeline)]
    assert "Rule 'Invoices' set the priority to urgent" in bodies

    # And the rule log shows the firing.
    admin.get_by_test_id("rule-row").filter(has_text="Invoices").get_by_role(
        "button", name="Rule log"
    ).click()
    expect(admin.get_by_test_id("rule-log")).to_contain_text(f"#{found['id']}")
    screenshot(admin, "rule-log")

    # When an agent applies the demo's shared macro with one click from the header.
    agent = browser.new_context(viewport=VIEWPORT, locale="en-US").new_page()
    sign_in(agent, live_server, "agent1@demo.parley.test")
    agent.goto(f"{live_server.url}/app/demo/conversations/{found['id']}")
    agent.get_by_test_id("macro-menu").click()
    screenshot(agent, "macro-menu")
    agent.get_by_test_id("macro-item").filter(has_text="Escalate to urgent").click()

    # Then the note is added; the priority was urgent already (the rule), so that is skipped.
    expect(agent.get_by_test_id("macro-result")).to_contain_text("1 of 2 actions applied")
    expect(agent.get_by_text("Escalated: please look at this first.")).to_be_visible()
    screenshot(agent, "macro-applied")

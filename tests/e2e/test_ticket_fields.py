"""Ticket custom fields through the console: an admin adds a choice field, is told by the server
that a choice field needs choices, saves it with choices, and the field shows in a ticket's
panel; the page reads in Chinese; an agent has no link to it.

Screenshots go to test-artifacts/test_<name>-<step>.png."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.test_console import sign_in
from tests.e2e.test_sla_policies import csrf_headers

pytestmark = pytest.mark.e2e

API = "/api/v1/workspaces/demo"
LOCALE_KEY = "parley.console.locale"  # frontend/console/src/i18n/index.ts
VIEWPORT: ViewportSize = {"width": 1280, "height": 860}


def test_an_admin_adds_a_choice_field_that_tickets_show(
    browser: Browser, live_server: LiveServer, screenshot: Any
) -> None:
    # Given the admin on the ticket fields page.
    admin = browser.new_context(viewport=VIEWPORT, locale="en-US").new_page()
    sign_in(admin, live_server, "admin@demo.parley.test")
    admin.get_by_test_id("nav-ticket-fields").click()
    expect(admin.get_by_role("heading", name="Ticket fields")).to_be_visible()
    before = len(admin.request.get(f"{live_server.url}{API}/ticket-fields/").json())

    # When they add a choice field without choices, the server's problem shows by the field.
    admin.get_by_test_id("field-add").click()
    form = admin.get_by_test_id("field-form")
    form.get_by_test_id("field-key").fill("refund_reason")
    form.get_by_test_id("field-label").fill("Refund reason")
    form.get_by_test_id("field-kind").select_option("choice")
    form.get_by_test_id("field-save").click()
    expect(form.get_by_test_id("problem-choices")).to_contain_text("different values")
    expect(form.get_by_test_id("field-error")).to_be_visible()
    screenshot(admin, "refused")
    assert len(admin.request.get(f"{live_server.url}{API}/ticket-fields/").json()) == before

    # And with choices it is saved and listed.
    form.get_by_test_id("field-choices").fill("Damaged\nLate\nWrong item")
    form.get_by_test_id("field-save").click()
    row = admin.get_by_test_id("field-row").filter(has_text="Refund reason")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Damaged · Late · Wrong item")
    expect(admin.get_by_test_id("field-form")).to_have_count(0)
    screenshot(admin, "listed")

    # Then a ticket's panel offers it with its choices.
    inbox = admin.request.get(f"{live_server.url}{API}/inboxes/").json()[0]
    created = admin.request.post(
        f"{live_server.url}{API}/tickets/",
        data={
            "inbox": inbox["id"],
            "email": "fields-customer@example.com",
            "name": "Fields customer",
            "subject": "Parcel arrived broken",
            "description": "The box was crushed.",
        },
        headers=csrf_headers(admin),
    )
    assert created.status == 201, created.text()
    admin.goto(f"{live_server.url}/app/demo/tickets/{created.json()['id']}")
    choice = admin.get_by_test_id("field-refund_reason")
    expect(choice).to_be_visible()
    expect(choice.locator("option", has_text="Late")).to_have_count(1)
    screenshot(admin, "panel")

    # The page in Chinese.
    admin.evaluate(f"localStorage.setItem({LOCALE_KEY!r}, 'zh-CN')")
    admin.goto(f"{live_server.url}/app/demo/ticket-fields")
    expect(admin.get_by_role("heading", name="工单字段")).to_be_visible()
    expect(admin.get_by_test_id("field-row").filter(has_text="Refund reason")).to_contain_text(
        "选项"
    )
    screenshot(admin, "zh")

    # An agent has no link to the page.
    agent = browser.new_context(viewport=VIEWPORT, locale="en-US").new_page()
    sign_in(agent, live_server, "agent1@demo.parley.test")
    expect(agent.get_by_test_id("nav-ticket-fields")).to_have_count(0)

"""SLA policies through the console: an admin adds a policy for the demo inbox, moves it above
the demo's fallback policy, and a new ticket gets its due times; an agent is turned away from
the page, which the admin then reads in Chinese.

Screenshots go to test-artifacts/test_<name>-<step>.png."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.test_console import sign_in

pytestmark = pytest.mark.e2e

API = "/api/v1/workspaces/demo"
LOCALE_KEY = "parley.console.locale"  # frontend/console/src/i18n/index.ts
VIEWPORT: ViewportSize = {"width": 1280, "height": 860}


def csrf_headers(page: Any) -> dict[str, str]:
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return {"X-CSRFToken": token}


def test_an_admin_creates_a_policy_that_new_tickets_get(
    browser: Browser, live_server: LiveServer, screenshot: Any
) -> None:
    # Given the admin on the SLA page, which lists the demo's fallback policy.
    admin = browser.new_context(viewport=VIEWPORT, locale="en-US").new_page()
    sign_in(admin, live_server, "admin@demo.parley.test")
    admin.get_by_test_id("nav-sla").click()
    expect(admin.get_by_role("heading", name="SLA policies")).to_be_visible()
    expect(admin.get_by_test_id("sla-row").filter(has_text="Standard support")).to_be_visible()

    # When they add a calendar-time policy for the demo inbox with urgent targets.
    admin.get_by_test_id("sla-add").click()
    editor = admin.get_by_test_id("sla-editor")
    editor.get_by_test_id("sla-name").fill("Website VIP")
    inbox = admin.request.get(f"{live_server.url}{API}/inboxes/").json()[0]
    inbox_id = inbox["id"]
    editor.get_by_test_id("sla-inbox").select_option(label=inbox["name"])
    editor.get_by_test_id("sla-business-hours").uncheck()
    editor.get_by_test_id("sla-warning").fill("25")
    editor.get_by_test_id("sla-target-urgent-first_response").fill("15")
    editor.get_by_test_id("sla-target-urgent-resolution").fill("120")
    expect(editor.get_by_text("2 h", exact=True)).to_be_visible()
    # A name already taken is refused by the server, and nothing is stored.
    editor.get_by_test_id("sla-name").fill("Standard support")
    editor.get_by_test_id("sla-save").click()
    expect(editor.get_by_test_id("sla-error")).to_contain_text("name")
    screenshot(admin, "refused")
    expect(admin.get_by_test_id("sla-row")).to_have_count(1)
    editor.get_by_test_id("sla-name").fill("Website VIP")
    screenshot(admin, "editor")
    editor.get_by_test_id("sla-save").click()

    row = admin.get_by_test_id("sla-row").filter(has_text="Website VIP")
    expect(row).to_be_visible()
    expect(row).to_contain_text("15 min")
    expect(row).to_contain_text("Around the clock")
    # Placed last, behind the fallback: move it to the top so it applies.
    row.get_by_role("button", name="Move up").click()
    expect(admin.get_by_test_id("sla-row").first).to_contain_text("Website VIP")
    screenshot(admin, "policies")

    # Then a new urgent ticket in that inbox gets the policy's due times.
    created = admin.request.post(
        f"{live_server.url}{API}/tickets/",
        data={
            "inbox": inbox_id,
            "email": "sla-customer@example.com",
            "name": "SLA customer",
            "subject": "Card declined",
            "description": "My card was declined twice.",
            "priority": "urgent",
        },
        headers=csrf_headers(admin),
    )
    assert created.status == 201, created.text()
    ticket = created.json()
    sla = ticket["sla"]
    assert sla["policy"]["name"] == "Website VIP"
    assert sla["state"] == "ok"
    start = datetime.fromisoformat(ticket["created_at"])
    assert datetime.fromisoformat(sla["first_response"]["due_at"]) == start + timedelta(minutes=15)
    assert datetime.fromisoformat(sla["resolution"]["due_at"]) == start + timedelta(minutes=120)
    listed = admin.request.get(f"{live_server.url}{API}/tickets/", params={"sla": "ok"}).json()
    assert ticket["id"] in [t["id"] for t in listed["results"]]

    # And the page is for managers: an agent has no link to it and is turned away from its
    # address (the matrix of pages, parley/accounts/permissions_surfaces.py).
    agent = browser.new_context(viewport=VIEWPORT, locale="en-US").new_page()
    sign_in(agent, live_server, "agent1@demo.parley.test")
    expect(agent.get_by_test_id("nav-sla")).to_have_count(0)
    agent.goto(f"{live_server.url}/app/demo/sla-policies")
    expect(agent).not_to_have_url(f"{live_server.url}/app/demo/sla-policies")
    expect(agent.get_by_test_id("sla-row")).to_have_count(0)

    # The admin reads the list in Chinese.
    admin.evaluate(f"localStorage.setItem({LOCALE_KEY!r}, 'zh-CN')")
    admin.reload()
    expect(admin.get_by_role("heading", name="SLA 策略")).to_be_visible()
    expect(admin.get_by_test_id("sla-row").first).to_contain_text("全天计时")
    expect(admin.get_by_test_id("sla-row").first).to_contain_text("15 分钟")
    screenshot(admin, "zh-CN")
    admin.evaluate(f"localStorage.setItem({LOCALE_KEY!r}, 'en')")

    # The live server is shared by the session's browser tests: leave the demo's policies as
    # they were.
    deleted = admin.request.delete(
        f"{live_server.url}{API}/sla-policies/{sla['policy']['id']}/", headers=csrf_headers(admin)
    )
    assert deleted.status == 204

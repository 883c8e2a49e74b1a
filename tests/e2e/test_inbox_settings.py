"""The console's inbox settings page (owners and admins): the admin sets the demo inbox's
routing, pre-chat form and business hours, saves, and the REST API returns what was stored; an
invalid range comes back as an error next to its field with everything typed kept; the page in
Chinese. An agent is not offered the page.

The tests run on a server of their own (they change the demo inbox). Screenshots go to
test-artifacts/test_<name>-<step>.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, ViewportSize, expect

from tests.e2e.conftest import LiveServer, running_server
from tests.e2e.test_console import sign_in

pytestmark = pytest.mark.e2e

VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
ADMIN = "admin@demo.parley.test"
AGENT1 = "agent1@demo.parley.test"
API = "/api/v1/workspaces/demo"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("parley-e2e-inbox-settings")) as live:
        yield live


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    yield context
    context.close()


def api_get(page: Page, server: LiveServer, path: str) -> Any:
    response = page.request.get(f"{server.url}{API}{path}")
    assert response.ok, response.text()
    return response.json()


def demo_inbox_id(page: Page, server: LiveServer) -> int:
    return next(
        int(i["id"]) for i in api_get(page, server, "/inboxes/") if i["public_key"] == "demo"
    )


def center(locator: Locator) -> None:
    locator.evaluate("e => e.scrollIntoView({block: 'center'})")


def look(path: Path) -> None:
    """A screenshot that was written and is not blank."""
    assert path.exists() and path.stat().st_size > 10_000, path


def test_admin_sets_routing_prechat_and_business_hours(
    context: BrowserContext, server: LiveServer, screenshot: Any
) -> None:
    page = context.new_page()
    sign_in(page, server, ADMIN)
    inbox_id = demo_inbox_id(page, server)

    page.get_by_test_id("nav-inboxes").click()
    expect(page.get_by_role("heading", name="Inboxes")).to_be_visible()
    page.get_by_role("link", name="Settings of Website").click()
    expect(page).to_have_url(re.compile(rf"/app/demo/inboxes/{inbox_id}$"))
    expect(page.get_by_role("heading", name="Settings of Website")).to_be_visible()
    expect(page.get_by_label("Inbox name")).to_have_value("Website")
    expect(page.get_by_test_id("embed-snippet")).to_have_value(
        f'<script src="{server.url}/widget.js" data-inbox="demo" async></script>'
    )

    # Routing: least busy.
    page.get_by_label("Routing policy").select_option("least_busy")
    page.get_by_label("Queue timeout (seconds)").fill("300")

    # The pre-chat form, with topics.
    page.get_by_label("Ask visitors before the chat starts").check()
    page.get_by_test_id("prechat-field-topic").check()
    page.get_by_label("Topics to choose from").fill("Orders\n退款")

    # Business hours: Monday to Friday 09:00-18:00 in Shanghai, and a holiday.
    page.get_by_label("Use business hours (off: always open)").check()
    page.get_by_label("Time zone").select_option("Asia/Shanghai")
    page.get_by_role("button", name="Add a range to Monday").click()
    monday_opens = page.get_by_label("Monday, range 1: opens")
    monday_closes = page.get_by_label("Monday, range 1: closes")
    expect(monday_opens).to_be_focused()
    monday_opens.fill("09:00")
    monday_closes.fill("18:00")
    page.get_by_role("button", name="Copy Monday to Tuesday–Friday").click()
    expect(page.get_by_label("Friday, range 1: closes")).to_have_value("18:00")
    # Keyboard: Enter on "add a range" puts the cursor in the new range; its × removes it.
    page.get_by_role("button", name="Add a range to Saturday").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Saturday, range 1: opens")).to_be_focused()
    page.get_by_role("button", name="Remove Saturday range 1").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Saturday, range 1: opens")).to_have_count(0)
    page.get_by_role("button", name="Add holiday").click()
    page.get_by_label("Holiday 1: date").fill("2026-10-01")
    page.get_by_label("Holiday 1: name").fill("National Day")
    page.get_by_label("Away reply (English)").fill("We're away. Back {next_opening}.")

    page.get_by_test_id("inbox-save").click()
    expect(page.get_by_test_id("inbox-saved")).to_have_text("Saved.")
    expect(page.get_by_test_id("field-error")).to_have_count(0)
    center(page.get_by_test_id("day-mon"))
    look(screenshot(page, "saved"))

    stored = api_get(page, server, f"/inboxes/{inbox_id}/")
    settings = stored["settings"]
    assert settings["routing"]["policy"] == "least_busy"
    assert settings["routing"]["queue_timeout_seconds"] == 300
    assert settings["prechat"] == {
        "enabled": True,
        "fields": ["name", "email", "topic"],
        "topics": ["Orders", "退款"],
    }
    hours = settings["business_hours"]
    assert hours["enabled"] is True
    assert hours["timezone"] == "Asia/Shanghai"
    assert hours["weekly"] == {
        **{day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
        "sat": [],
        "sun": [],
    }
    assert hours["holidays"] == [{"date": "2026-10-01", "name": "National Day"}]
    assert hours["auto_reply"] == {"en": "We're away. Back {next_opening}."}
    assert stored["allowed_origins"] and stored["name"] == "Website"

    # An impossible range: the server's message sits next to Monday; nothing typed is lost.
    page.get_by_label("Greeting").fill("Hello again! 您好！")
    monday_opens.fill("18:00")
    monday_closes.fill("09:00")
    page.get_by_test_id("inbox-save").click()
    expect(page.get_by_test_id("inbox-error")).to_be_visible()
    monday_error = page.get_by_test_id("day-mon").get_by_test_id("field-error")
    expect(monday_error).to_contain_text("18:00-09:00 ends before it starts")
    expect(page.get_by_test_id("field-error")).to_have_count(1)
    expect(monday_opens).to_have_attribute("aria-invalid", "true")
    expect(monday_opens).to_be_focused()
    expect(monday_opens).to_have_value("18:00")
    expect(monday_closes).to_have_value("09:00")
    expect(page.get_by_label("Greeting")).to_have_value("Hello again! 您好！")
    expect(page.get_by_label("Routing policy")).to_have_value("least_busy")
    expect(page.get_by_label("Topics to choose from")).to_have_value("Orders\n退款")
    expect(page.get_by_label("Holiday 1: name")).to_have_value("National Day")
    expect(page.get_by_label("Tuesday, range 1: opens")).to_have_value("09:00")
    # … and nothing of it was stored.
    unchanged = api_get(page, server, f"/inboxes/{inbox_id}/")
    assert unchanged["greeting"] == stored["greeting"]
    assert unchanged["settings"]["business_hours"]["weekly"]["mon"] == [["09:00", "18:00"]]
    center(page.get_by_test_id("day-mon"))
    look(screenshot(page, "invalid-range"))

    # The console in Chinese: the page follows, the error and the inputs stay.
    page.get_by_test_id("locale").select_option("zh-CN")
    expect(page.get_by_role("heading", name="Website 的设置")).to_be_visible()
    expect(page.get_by_role("button", name="为周一添加时段")).to_be_visible()
    expect(page.get_by_label("周一第 1 个时段：开始")).to_have_value("18:00")
    expect(monday_error).to_be_visible()
    expect(page.get_by_test_id("nav-inboxes")).to_have_text("收件箱")
    expect(page.get_by_test_id("inbox-error")).to_contain_text("未保存")
    center(page.get_by_test_id("day-mon"))
    look(screenshot(page, "zh-CN"))
    center(page.get_by_role("heading", name="会话分配"))
    look(screenshot(page, "zh-CN-routing"))

    # Corrected, with a sticky wait out of range: its message comes next to its own field.
    page.get_by_label("周一第 1 个时段：开始").fill("09:00")
    page.get_by_label("周一第 1 个时段：结束").fill("18:00")
    sticky = page.get_by_test_id("sticky-wait")
    sticky.fill("99999")
    page.get_by_test_id("inbox-save").click()
    sticky_error = page.locator("#err-routing-sticky_wait_seconds")
    expect(sticky_error).to_contain_text("0 to 86400")
    expect(sticky).to_have_attribute("aria-invalid", "true")
    expect(monday_error).to_have_count(0)
    sticky.fill("")
    page.get_by_test_id("inbox-save").click()
    expect(page.get_by_test_id("inbox-saved")).to_have_text("已保存。")
    saved = api_get(page, server, f"/inboxes/{inbox_id}/")
    assert saved["greeting"] == "Hello again! 您好！"
    assert saved["settings"]["business_hours"]["weekly"]["mon"] == [["09:00", "18:00"]]
    assert "sticky_wait_seconds" not in saved["settings"]["routing"]


def test_an_agent_is_not_offered_the_inbox_settings(
    context: BrowserContext, server: LiveServer, screenshot: Any
) -> None:
    page = context.new_page()
    sign_in(page, server, AGENT1)
    expect(page.get_by_test_id("logout")).to_be_visible()
    expect(page.get_by_test_id("nav-inboxes")).to_have_count(0)
    inbox_id = demo_inbox_id(page, server)
    # Typing the address leads back to the conversations.
    page.goto(f"{server.url}/app/demo/inboxes/{inbox_id}")
    expect(page).to_have_url(re.compile(r"/app/demo/conversations"))
    expect(page.get_by_test_id("inbox-settings")).to_have_count(0)
    expect(page.get_by_text("Loading…")).to_have_count(0)
    look(screenshot(page, "agent-nav"))

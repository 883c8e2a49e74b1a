"""The console's periods are the workspace's calendar days, whatever the browser's time zone.

The server reads a period's days in the workspace's zone (the demo's is Asia/Shanghai). A
browser whose own date differs — a supervisor abroad, or anyone in the hours around the
workspace's midnight — must still ask for the period that ends on the workspace's today, or
the dashboard leaves out today's conversations and its figures disagree with the API's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.test_console import sign_in

ADMIN = "admin@demo.parley.test"
WORKSPACE_ZONE = "Asia/Shanghai"  # the demo workspace's
# UTC−11 and UTC+14: at any moment one of them is on another date than UTC+8.
FAR_ZONES = ("Pacific/Pago_Pago", "Pacific/Kiritimati")


def zone_on_another_date() -> str:
    now = datetime.now(ZoneInfo("UTC"))
    workspace_day = now.astimezone(ZoneInfo(WORKSPACE_ZONE)).date()
    return next(z for z in FAR_ZONES if now.astimezone(ZoneInfo(z)).date() != workspace_day)


@pytest.fixture
def far_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="en-US", timezone_id=zone_on_another_date()
    )
    yield context.new_page()
    context.close()


def test_dashboard_and_performance_periods_end_on_the_workspaces_today(
    live_server: LiveServer, far_page: Page, screenshot
) -> None:
    page = far_page
    browser_day = page.evaluate("new Date().toLocaleDateString('en-CA')")
    sign_in(page, live_server, ADMIN)
    # The API's default period, decided by the server in the workspace's zone.
    default = page.request.get(f"{live_server.url}/api/v1/workspaces/demo/analytics/dashboard/")
    assert default.ok, default.text()
    period = default.json()
    assert period["to"] != browser_day  # the point of the test: the two calendars disagree

    with page.expect_request(lambda r: "/analytics/dashboard/?" in r.url) as asked:
        page.get_by_test_id("nav-dashboards").click()
    assert f"from={period['from']}" in asked.value.url
    assert f"to={period['to']}" in asked.value.url
    expect(page.get_by_test_id("period-to")).to_have_value(period["to"])
    expect(page.get_by_test_id("period-from")).to_have_value(period["from"])
    screenshot(page, "dashboard-far-zone")

    page.get_by_test_id("nav-performance").click()
    expect(page.get_by_test_id("period-to")).to_have_value(period["to"])
    page.get_by_role("button", name="Last 7 days").click()
    expect(page.get_by_test_id("period-to")).to_have_value(period["to"])

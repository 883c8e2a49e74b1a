"""Dashboards in a real browser: weeks of demo history (`parley analytics seed-demo`) and one
conversation made through the services today, rolled up by the job; the admin opens the
dashboard, every chart has drawn data, a click on a bar lists the conversations behind it, the
Chinese page, the Alerts page; an agent has neither.

Screenshots go to test-artifacts/test_<name>-<step>.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.e2e.conftest import LiveServer, chart_series, run_cli, running_server
from tests.e2e.test_console import sign_in

pytestmark = pytest.mark.e2e

VIEWPORT: ViewportSize = {"width": 1440, "height": 1000}
ADMIN = "admin@demo.parley.test"
AGENT1 = "agent1@demo.parley.test"

TODAY = f"""
from parley.accounts.models import Member
from parley.analytics.rollups import rollups_fill
from parley.contacts.services import contact_create
from parley.conversations.services import (
    Sender, conversation_assign, conversation_set_status, conversation_start, message_send,
)
from parley.inboxes.models import Inbox

inbox = Inbox.objects.get(public_key="demo")
agent = Member.objects.get(workspace=inbox.workspace, user__email={AGENT1!r})
admin = Member.objects.get(workspace=inbox.workspace, user__email={ADMIN!r})
contact = contact_create(workspace=inbox.workspace, name="Dashboard Visitor")
conversation = conversation_start(inbox=inbox, contact=contact)
message_send(conversation=conversation, sender=Sender.of_contact(contact), body="Where is it?")
conversation_assign(conversation=conversation, assignee=agent, actor=admin)
message_send(conversation=conversation, sender=Sender.of_member(agent), body="On its way.")
conversation_set_status(conversation=conversation, status="resolved", actor=agent)
print("ROLLED", rollups_fill())
"""


EVALUATE = """
from django.utils import timezone
from parley.analytics.alerts import alerts_evaluate
print("FIRED", alerts_evaluate(now=timezone.now()))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("parley-e2e-dashboards")) as live:
        seeded = run_cli(live, "analytics", "seed-demo", "--days", "28")
        assert int(re.search(r"conversations: (\d+)", seeded).group(1)) > 500  # type: ignore[union-attr]
        assert "ROLLED" in run_cli(live, "shell", "-c", TODAY)
        yield live


def numbers(series: list[Any]) -> list[float]:
    out = []
    for point in series:
        value = point["value"] if isinstance(point, dict) else point
        out.append(
            float(
                value[-1]
                if isinstance(value, list) and len(value) == 3
                else (value[1] if isinstance(value, list) else value)
            )
        )
    return out


def test_dashboard_charts_drill_down_and_alerts(
    server: LiveServer, page: Page, browser: Browser, screenshot: Any
) -> None:
    sign_in(page, server, ADMIN)
    page.get_by_test_id("nav-dashboards").click()
    expect(page).to_have_url(re.compile(r"/app/demo/dashboards$"))
    expect(page.get_by_test_id("chart-trend").locator("canvas")).to_have_count(1)

    # The headline figures are the API's, from the rollups.
    api = page.request.get(f"{server.url}/api/v1/workspaces/demo/analytics/dashboard/").json()
    volume = api["summary"]["volume"]
    assert volume > 500
    expect(page.get_by_test_id("summary-volume")).to_contain_text(str(volume))
    expect(page.get_by_test_id("live-queue")).to_have_text(re.compile(r"^\d+$"))

    # Every chart drew data: the line's days add up to the volume, the others are not empty.
    trend = chart_series(page, "chart-trend")
    assert sum(numbers(trend[0])) == volume
    assert trend[0][-1] >= 1  # today's conversation, made through the services
    breakdown = chart_series(page, "chart-breakdown")
    assert len(breakdown[0]) >= 2 and sum(numbers(breakdown[0])) > 0
    channels = chart_series(page, "chart-channels")
    assert {p["name"] for p in channels[0]} == {"Website chat", "E-mail", "API"}
    assert sum(p["value"] for p in channels[0]) == volume
    outcomes = chart_series(page, "chart-outcomes")
    assert len(outcomes[0]) == 3
    scatter = chart_series(page, "chart-scatter")
    assert len(scatter[0]) >= 2  # agents with handle time and CSAT
    assert all(1 <= point[1] <= 5 for point in scatter[0])
    heatmap = chart_series(page, "chart-heatmap")
    assert sum(cell[2] for cell in heatmap[0]) == volume
    assert len(heatmap[0]) > 100  # most weekday × hour cells
    screenshot(page, "dashboard")
    page.get_by_test_id("chart-scatter").scroll_into_view_if_needed()
    screenshot(page, "dashboard-lower")

    # Click the first bar of "by agent": the conversations behind it are listed.
    page.get_by_test_id("breakdown-by-member").click()
    bars = page.get_by_test_id("chart-breakdown")
    bars.scroll_into_view_if_needed()
    page.wait_for_timeout(600)  # the bars' entry animation
    first = chart_series(page, "chart-breakdown")[0][0]  # conversations assigned to that agent
    name = bars.locator(".echart").evaluate("el => el.__chart.getOption().xAxis[0].data[0]")
    assert name in ("Agent One", "Agent Two")
    layout = bars.locator(".echart").evaluate(
        "el => el.__chart.getModel().getSeriesByIndex(0).getData().getItemLayout(0)"
    )
    box = bars.locator(".echart").bounding_box()
    assert box is not None
    page.mouse.click(
        box["x"] + layout["x"] + layout["width"] / 2, box["y"] + layout["y"] + layout["height"] / 2
    )
    panel = page.get_by_test_id("drilldown")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading")).to_have_text(f"Assigned: {name}")
    expect(panel.get_by_test_id("drilldown-row")).to_have_count(min(int(first), 200))
    expect(panel.get_by_test_id("drilldown-row").first).to_contain_text(name)
    panel.scroll_into_view_if_needed()
    screenshot(page, "drilldown")
    # a row opens its conversation
    panel.get_by_test_id("drilldown-row").first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/app/demo/conversations/\d+$"))

    # In Chinese.
    page.evaluate("localStorage.setItem('parley.console.locale', 'zh-CN')")
    page.goto(f"{server.url}/app/demo/dashboards")
    expect(page.get_by_role("heading", name="数据看板")).to_be_visible()
    expect(page.get_by_test_id("chart-heatmap").locator("canvas")).to_have_count(1)
    page.wait_for_timeout(600)
    screenshot(page, "dashboard-zh")

    # Alerts: a rule made in the page is listed; a webhook to this machine is refused.
    page.evaluate("localStorage.setItem('parley.console.locale', 'en')")
    page.goto(f"{server.url}/app/demo/alerts")
    page.get_by_test_id("rule-new").click()
    page.get_by_test_id("rule-name").fill("Queue too slow")
    page.get_by_test_id("rule-threshold").fill("120")
    page.get_by_test_id("rule-webhook").fill("http://127.0.0.1:9/hook")
    page.get_by_test_id("rule-save").click()
    expect(page.get_by_test_id("rule-webhook-error")).to_be_visible()
    page.get_by_test_id("rule-webhook").fill("")
    page.get_by_test_id("rule-save").click()
    expect(page.get_by_test_id("rule-row")).to_contain_text("Queue too slow")
    expect(page.get_by_test_id("rule-row")).to_contain_text("Mean queue wait (s) > 120")
    # a second rule that holds now (today's conversation), checked by the alert job
    page.get_by_test_id("rule-new").click()
    page.get_by_test_id("rule-name").fill("Any volume today")
    page.get_by_test_id("rule-metric").select_option("volume")
    page.get_by_test_id("rule-threshold").fill("0")
    page.get_by_test_id("rule-window").fill("1440")
    page.get_by_test_id("rule-save").click()
    expect(page.get_by_test_id("rule-row")).to_have_count(2)
    assert "FIRED 1" in run_cli(server, "shell", "-c", EVALUATE)
    page.reload()
    history = page.get_by_test_id("history-row")
    expect(history).to_have_count(1)
    expect(history).to_contain_text("Any volume today")
    expect(history).to_contain_text("Console: sent")
    expect(page.get_by_test_id("rule-row").filter(has_text="Any volume")).to_contain_text("Firing")
    # and a weekly e-mail report for the manager
    page.get_by_test_id("report-email").fill("manager@demo.parley.test")
    page.get_by_test_id("report-frequency").select_option("weekly")
    page.get_by_test_id("report-add").click()
    expect(page.get_by_test_id("report-row")).to_contain_text("manager@demo.parley.test · Weekly")
    screenshot(page, "alerts")

    # An agent has neither page.
    agent_context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    agent = agent_context.new_page()
    sign_in(agent, server, AGENT1)
    expect(agent.get_by_test_id("nav-dashboards")).to_have_count(0)
    agent.goto(f"{server.url}/app/demo/dashboards")
    expect(agent).to_have_url(re.compile(r"/app/demo/conversations$"))
    refused = agent.request.get(f"{server.url}/api/v1/workspaces/demo/analytics/dashboard/")
    assert refused.status == 403
    agent_context.close()

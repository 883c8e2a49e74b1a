"""Sentiment in a real browser: three weeks of demo conversations scored by the job and rolled
up; the admin opens the Sentiment page, every chart has drawn the API's data, a negative
conversation opens from the list with its badge in the header; live, a customer who turns
upset is flagged to the assigned agent (a toast and a badge in the list) once the embedded
scheduler's scoring job has run; the Chinese page; an agent has no such page.

Screenshots go to test-artifacts/test_<name>-<step>.png."""

from __future__ import annotations

import math
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
SEED = """
from django.utils import timezone
from parley.accounts.models import Workspace
from parley.analytics.sentiment.demo import sentiment_demo_seed
seeded = sentiment_demo_seed(workspace=Workspace.objects.get(slug="demo"), now=timezone.now())
print("SEEDED", seeded.conversations, seeded.scored)
"""
START = f"""
from parley.accounts.models import Member
from parley.contacts.services import contact_create
from parley.conversations.services import (
    Sender, conversation_assign, conversation_start, message_send,
)
from parley.inboxes.models import Inbox
inbox = Inbox.objects.get(public_key="demo")
agent = Member.objects.get(workspace=inbox.workspace, user__email={AGENT1!r})
contact = contact_create(workspace=inbox.workspace, name="Upset Visitor")
conversation = conversation_start(inbox=inbox, contact=contact)
message_send(conversation=conversation, sender=Sender.of_contact(contact), body="订单什么时候发货")
conversation_assign(conversation=conversation, assignee=agent, actor=agent)
print("CONVERSATION", conversation.pk)
"""
UPSET = """
from parley.conversations.models import Conversation
from parley.conversations.services import Sender, message_send
conversation = Conversation.objects.get(pk={pk})
contact = conversation.contact
for body in ["等了一个星期还没发货，太让人失望了", "This is terrible service, I want a refund"]:
    message_send(conversation=conversation, sender=Sender.of_contact(contact), body=body)
print("SENT")
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # A first start migrates a new database; on a loaded machine that can outlast the wait. The
    # same data directory starts again without migrating.
    with running_server(tmp_path_factory.mktemp("parley-e2e-sentiment"), attempts=2) as live:
        seeded = re.search(r"SEEDED (\d+) (\d+)", run_cli(live, "shell", "-c", SEED, timeout=300))
        assert seeded is not None and int(seeded.group(1)) > 100 and int(seeded.group(2)) > 200
        yield live


def value(point: Any) -> Any:
    return point["value"] if isinstance(point, dict) else point


def test_sentiment_page_charts_and_drill_down(
    server: LiveServer, page: Page, screenshot: Any
) -> None:
    sign_in(page, server, ADMIN)
    page.get_by_test_id("nav-sentiment").click()
    expect(page).to_have_url(re.compile(r"/app/demo/sentiment$"))
    for chart in ("trend", "shares", "csat", "weekly"):
        expect(page.get_by_test_id(f"chart-sentiment-{chart}").locator("canvas")).to_have_count(1)
    api = page.request.get(f"{server.url}/api/v1/workspaces/demo/analytics/sentiment/").json()

    # Trend: the daily negative share (%) the API computed from the rollups.
    shares_drawn = chart_series(page, "chart-sentiment-trend")[0]
    # Rounded as the page's JavaScript rounds (Math.round: halves up, not to even as round()).
    expected = [
        None if d["negative_share"] is None else math.floor(d["negative_share"] * 1000 + 0.5) / 10
        for d in api["trend"]
    ]
    assert shares_drawn == expected
    assert sum(1 for s in shares_drawn if s) >= 15
    # Pie: conversations by label.
    pie = chart_series(page, "chart-sentiment-shares")[0]
    assert sum(value(p) for p in pie) == api["shares"]["total"] > 100
    # Sentiment × CSAT: upset customers rate lower.
    bands = [value(p) for p in chart_series(page, "chart-sentiment-csat")[0]]
    assert bands == [b["csat_mean"] for b in api["satisfaction"]["by_band"]]
    by_label = api["satisfaction"]["by_label"]
    assert by_label["negative"]["csat_mean"] < by_label["positive"]["csat_mean"]
    expect(page.get_by_test_id("tile-negative")).to_contain_text(
        str(by_label["negative"]["csat_mean"])
    )
    page.wait_for_timeout(600)  # the charts' entry animation
    screenshot(page, "sentiment-page")

    # The conversations negative now; one opens with its badge in the header.
    rows = page.get_by_test_id("sentiment-negative-list").locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 4
    page.get_by_test_id("sentiment-negative-list").scroll_into_view_if_needed()
    screenshot(page, "weekly-and-negative-list")
    rows.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/app/demo/conversations/\d+$"))
    header_badge = page.locator("header.header").get_by_test_id("sentiment-badge")
    expect(header_badge).to_contain_text("Negative")
    screenshot(page, "negative-conversation")

    # In Chinese.
    page.evaluate("localStorage.setItem('parley.console.locale', 'zh-CN')")
    page.goto(f"{server.url}/app/demo/sentiment")
    expect(page.get_by_role("heading", name="情绪分析")).to_be_visible()
    expect(page.get_by_test_id("chart-sentiment-weekly").locator("canvas")).to_have_count(1)
    expect(page.get_by_test_id("sentiment-negative-list")).to_contain_text("当前负面会话")
    page.wait_for_timeout(600)
    screenshot(page, "sentiment-zh")
    page.evaluate("localStorage.setItem('parley.console.locale', 'en')")


def test_an_upset_customer_is_flagged_to_the_agent_live(
    server: LiveServer, browser: Browser, screenshot: Any
) -> None:
    started = re.search(r"CONVERSATION (\d+)", run_cli(server, "shell", "-c", START, timeout=300))
    assert started is not None
    pk = int(started.group(1))
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    agent = context.new_page()
    sign_in(agent, server, AGENT1)
    row = agent.get_by_test_id(f"conversation-{pk}")
    expect(row).to_be_visible()
    expect(row.get_by_test_id("sentiment-badge")).to_have_count(0)

    assert "SENT" in run_cli(server, "shell", "-c", UPSET.format(pk=pk), timeout=300)

    # The embedded scheduler scores every 20 s; the frame then reaches this console.
    toast = agent.get_by_test_id("toast-sentiment").filter(has_text="Upset Visitor is upset")
    expect(toast).to_be_visible(timeout=60_000)
    expect(toast).to_have_count(1)
    expect(row.get_by_test_id("sentiment-badge")).to_contain_text("Negative")
    screenshot(agent, "flagged")

    # An agent has no Sentiment page, and the API refuses them.
    expect(agent.get_by_test_id("nav-sentiment")).to_have_count(0)
    agent.goto(f"{server.url}/app/demo/sentiment")
    expect(agent).to_have_url(re.compile(r"/app/demo/conversations$"))
    refused = agent.request.get(f"{server.url}/api/v1/workspaces/demo/analytics/sentiment/")
    assert refused.status == 403
    context.close()

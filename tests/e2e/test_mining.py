"""The mining pages in a real browser, on eight weeks of demo history (`parley analytics
seed-demo`, which also seeds customer messages, intents and tickets and computes the
snapshots): keywords and topics with "new this week" and links to conversations; association
rules filtered and sorted; the forecast with its band, backtest and an Erlang C staffing plan
that follows the target; day shapes; the Chinese page; an agent has none of them.

Screenshots go to test-artifacts/test_<name>-<step>.png."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.e2e.conftest import LiveServer, chart_series, run_cli, running_server
from tests.e2e.test_console import sign_in

pytestmark = pytest.mark.e2e

VIEWPORT: ViewportSize = {"width": 1440, "height": 1000}
ADMIN = "admin@demo.parley.test"
AGENT1 = "agent1@demo.parley.test"
API = "/api/v1/workspaces/demo/analytics/mining/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("parley-e2e-mining")) as live:
        seeded = run_cli(live, "analytics", "seed-demo", "--days", "56", timeout=300)
        assert "mining snapshots: 4" in seeded, seeded
        yield live


def test_mining_pages(server: LiveServer, page: Page, screenshot: Any) -> None:
    sign_in(page, server, ADMIN)
    page.get_by_test_id("nav-mining").click()
    expect(page).to_have_url(re.compile(r"/app/demo/mining/topics$"))

    # Keywords and topics: the coupon problem of the last week stands out; examples link.
    expect(page.get_by_test_id("mining-new")).to_contain_text("优惠券")
    expect(page.get_by_test_id("mining-keywords")).to_contain_text("退款")
    topic = page.get_by_test_id("mining-topic-0")
    expect(topic.locator("canvas")).to_have_count(1)
    api = page.request.get(f"{server.url}{API}topics/").json()
    assert api["status"] == "ok"
    first = api["result"]["topics"][0]
    assert sum(chart_series(page, "mining-topic-0")[0]) == first["messages"]
    page.wait_for_timeout(500)
    screenshot(page, "topics")
    link = topic.get_by_role("link").first
    conversation = first["examples"][0]["conversation"]
    expect(link).to_have_text(f"#{conversation}")

    # Association rules: thresholds and kinds narrow the table; sorting by support.
    page.get_by_test_id("mining-tab-rules").click()
    table = page.get_by_test_id("rules-table")
    expect(table.locator("tbody tr").first).to_be_visible()
    all_rows = table.locator("tbody tr").count()
    page.get_by_test_id("rules-min-lift").fill("5")
    expect(table.locator("tbody tr")).not_to_have_count(all_rows)
    lifts = [float(x) for x in table.locator("tbody tr td:nth-child(5)").all_inner_texts()]
    assert lifts and min(lifts) >= 5 and lifts == sorted(lifts, reverse=True)
    with page.expect_response(lambda r: "mining/rules/" in r.url and "sort=support" in r.url):
        page.get_by_test_id("rules-sort-support").click()
    expect(page.get_by_test_id("rules-sort-support")).to_contain_text("▼")
    # the rows are redrawn once the sorted answer is in
    page.wait_for_function(
        """() => {
          const table = document.querySelector('[data-testid=rules-table]');
          const cells = [...table.querySelectorAll('tbody tr td:nth-child(3)')];
          const xs = cells.map((c) => parseFloat(c.textContent));
          return xs.length > 0 && xs.every((x, i) => i === 0 || xs[i - 1] >= x);
        }"""
    )
    supports = [
        float(x.rstrip("%")) for x in table.locator("tbody tr td:nth-child(3)").all_inner_texts()
    ]
    assert supports == sorted(supports, reverse=True)
    for kind in ("tag", "product"):
        page.get_by_test_id(f"rules-kind-{kind}").uncheck()
    page.get_by_test_id("rules-min-lift").fill("1")
    expect(table).not_to_contain_text("logistics")  # a tag
    expect(table.locator("tbody tr").first).to_contain_text(re.compile(r"[a-z_]+"))
    screenshot(page, "rules")

    # Forecast and staffing: a band around the forecast, the backtest, agents per hour.
    page.get_by_test_id("mining-tab-forecast").click()
    chart = page.get_by_test_id("forecast-chart")
    expect(chart.locator("canvas")).to_have_count(1)
    forecast = page.request.get(f"{server.url}{API}forecast/").json()["result"]
    series = chart_series(page, "forecast-chart")
    hours = 7 * 24
    lower, band, mean, actual, agents = series
    drawn_mean = [v for v in mean if v is not None]
    assert drawn_mean == pytest.approx(forecast["mean"][:hours], abs=0.006)
    # the band is stacked on its lower bound: lower + height = upper
    tops = [lo + h for lo, h in zip(lower, band, strict=True) if lo is not None]
    assert tops == pytest.approx(forecast["upper"][:hours])
    assert any(h for h in band if h) and any(v is not None for v in actual)
    assert [a for a in agents if a is not None] == forecast["staffing"]["agents"][:hours]
    expect(page.get_by_test_id("forecast-backtest")).to_contain_text("seasonal naive")
    peak_before = page.get_by_test_id("staffing-peak").inner_text()
    assert forecast["staffing"]["peak_agents"] >= 1
    page.wait_for_timeout(600)
    screenshot(page, "forecast")
    # a stricter target needs more agents at the peak
    page.get_by_test_id("staffing-level").fill("95")
    page.get_by_test_id("staffing-answer").fill("5")
    page.get_by_test_id("staffing-answer").press("Enter")
    page.get_by_test_id("staffing-answer").blur()
    expect(page.get_by_test_id("staffing-peak")).not_to_have_text(peak_before)
    stricter = page.request.get(
        f"{server.url}{API}forecast/", params={"service_level": 0.95, "answer_seconds": 5}
    ).json()["result"]["staffing"]
    peak = f"{stricter['peak_agents']} agents"
    expect(page.get_by_test_id("staffing-peak")).to_contain_text(peak)
    assert stricter["peak_agents"] > forecast["staffing"]["peak_agents"]
    page.get_by_test_id("forecast-staffing").scroll_into_view_if_needed()
    screenshot(page, "staffing")

    # Day shapes: weekdays and weekends apart, with their peaks.
    page.get_by_test_id("mining-tab-shapes").click()
    expect(page.get_by_test_id("shapes-chart").locator("canvas")).to_have_count(1)
    shapes = page.request.get(f"{server.url}{API}day-shapes/").json()["result"]["shapes"]
    assert len(shapes) >= 2 and len(chart_series(page, "shapes-chart")) == len(shapes)
    expect(page.get_by_test_id(f"shape-{shapes[0]['id']}")).to_contain_text(
        shapes[0]["peak_hours"][0]
    )
    page.wait_for_timeout(600)
    screenshot(page, "day-shapes")

    # Recompute now: a new snapshot, then the throttle. The snapshots seeded at start-up may
    # themselves be less than a minute old on a fast machine: then the first clicks are
    # throttled, and the test clicks again until the minute is over.
    status = page.get_by_test_id("mining-status")
    deadline = time.monotonic() + 120
    while True:
        page.get_by_test_id("mining-refresh").click()
        # computed within the request in the embedded mode: k-means takes seconds when busy
        expect(status).to_contain_text(
            re.compile("Recomputed.|less than a minute ago"), timeout=60_000
        )
        if "Recomputed." in (status.text_content() or "") or time.monotonic() > deadline:
            break
        page.wait_for_timeout(5_000)
    expect(status).to_contain_text("Recomputed.")
    page.get_by_test_id("mining-refresh").click()
    expect(page.get_by_test_id("mining-status")).to_contain_text("less than a minute ago")

    # In Chinese.
    page.evaluate("localStorage.setItem('parley.console.locale', 'zh-CN')")
    page.goto(f"{server.url}/app/demo/mining/forecast")
    expect(page.get_by_role("heading", name="咨询量预测")).to_be_visible()
    expect(page.get_by_test_id("forecast-staffing")).to_contain_text("排班计划")
    page.wait_for_timeout(600)
    screenshot(page, "forecast-zh")
    page.goto(f"{server.url}/app/demo/mining/topics")
    expect(page.get_by_test_id("mining-new")).to_contain_text("本周新出现")
    screenshot(page, "topics-zh")

    # the example link opens its conversation
    page.evaluate("localStorage.setItem('parley.console.locale', 'en')")
    page.goto(f"{server.url}/app/demo/mining/topics")
    page.get_by_test_id("mining-topic-0").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/app/demo/conversations/{conversation}$"))


def test_agents_have_no_mining_pages(server: LiveServer, page: Page) -> None:
    sign_in(page, server, AGENT1)
    expect(page.get_by_test_id("nav-mining")).to_have_count(0)
    page.goto(f"{server.url}/app/demo/mining/forecast")
    expect(page).to_have_url(re.compile(r"/app/demo/conversations"))
    assert page.request.get(f"{server.url}{API}forecast/").status == 403

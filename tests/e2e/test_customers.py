"""At-risk customers in a real browser: months of demo customer history with a churn pattern
(the demo seed's customers part, model trained, profiles computed); the admin reads the list
(riskiest first, as the API says), opens a customer, reads why, marks them followed up
(audited), finds them under "followed up", opens their conversation and sees the risk in the
contact panel; the Chinese page; an agent has no such page.

Screenshots go to test-artifacts/test_<name>-<step>.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.e2e.conftest import LiveServer, run_cli, running_server
from tests.e2e.test_console import sign_in

pytestmark = pytest.mark.e2e

VIEWPORT: ViewportSize = {"width": 1440, "height": 1000}
ADMIN = "admin@demo.parley.test"
AGENT1 = "agent1@demo.parley.test"
SEED = """
from django.utils import timezone
from parley.accounts.models import Workspace
from parley.analytics.customers.demo import customers_demo_seed
seeded = customers_demo_seed(workspace=Workspace.objects.get(slug="demo"), now=timezone.now())
print("SEEDED", seeded.profiles, seeded.model_version, seeded.validation_auc)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("parley-e2e-customers")) as live:
        output = run_cli(live, "shell", "-c", SEED, timeout=300)
        seeded = re.search(r"SEEDED (\d+) (\d+) ([\d.]+)", output)
        assert seeded is not None, output
        assert int(seeded.group(1)) >= 240 and float(seeded.group(3)) > 0.6
        yield live


def test_at_risk_customers_reasons_follow_up_and_contact_panel(
    server: LiveServer, page: Page, screenshot: Any
) -> None:
    sign_in(page, server, ADMIN)
    page.get_by_test_id("nav-customers").click()
    expect(page).to_have_url(re.compile(r"/app/demo/customers$"))
    expect(page.get_by_test_id("churn-auc")).to_contain_text("Validation AUC 0.")

    api = page.request.get(f"{server.url}/api/v1/workspaces/demo/analytics/customers/").json()
    assert api["count"] > 10 and api["model"]["validation"]["auc"] > 0.6
    rows = page.get_by_test_id("customer-row")
    expect(rows).to_have_count(min(api["count"], 50))
    first = api["results"][0]
    assert first["risk_level"] == "high" and first["reasons"]
    expect(rows.first).to_contain_text(first["contact"]["display_name"])
    expect(rows.first.get_by_test_id("risk-badge")).to_contain_text(
        f"High risk · {round(first['risk'] * 100)}%"
    )
    expect(rows.first.get_by_test_id("risk-reasons")).to_contain_text(first["reasons"][0]["en"])
    screenshot(page, "list")

    # One customer: why, the profile, their conversations, the follow-up.
    rows.first.click()
    expect(page).to_have_url(re.compile(rf"/app/demo/customers/{first['contact']['id']}$"))
    detail = page.get_by_test_id("customer-detail")
    expect(detail.get_by_test_id("risk-reasons").locator("li")).to_have_count(len(first["reasons"]))
    expect(detail.get_by_test_id("profile-facts")).to_contain_text("SLA breaches (90 d)")
    expect(detail.get_by_test_id("customer-conversations").locator("li").first).to_be_visible()
    screenshot(page, "detail")
    detail.get_by_test_id("follow-up-note").fill("Called back, voucher offered")
    detail.get_by_test_id("follow-up").click()
    expect(detail.get_by_test_id("followed-by")).to_contain_text("Followed up by")
    audit = page.request.get(
        f"{server.url}/api/v1/workspaces/demo/audit/", params={"action": "customer.followed_up"}
    ).json()
    assert [e["target_id"] for e in audit["results"]] == [str(first["contact"]["id"])]
    page.get_by_test_id("filter-followed-up").select_option("yes")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_test_id("followed-mark")).to_be_visible()
    screenshot(page, "followed-up")

    # Their conversation shows the profile and the risk in the contact panel.
    rows.first.click()
    detail.get_by_test_id("customer-conversations").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/app/demo/conversations/\d+$"))
    card = page.get_by_test_id("contact-risk")
    expect(card.get_by_test_id("risk-badge")).to_contain_text("High risk")
    expect(card.get_by_test_id("risk-reasons").locator("li").first).to_be_visible()
    screenshot(page, "contact-panel")

    # In Chinese.
    page.evaluate("localStorage.setItem('parley.console.locale', 'zh-CN')")
    page.goto(f"{server.url}/app/demo/customers")
    expect(page.get_by_role("heading", name="流失风险客户")).to_be_visible()
    expect(rows.first.get_by_test_id("risk-badge")).to_contain_text("高风险")
    expect(rows.first.get_by_test_id("risk-reasons")).to_contain_text("（一般为")
    rows.first.click()
    expect(page.get_by_test_id("customer-detail")).to_contain_text("为什么是这个分数")
    screenshot(page, "zh")


def test_agents_have_no_at_risk_page(server: LiveServer, page: Page) -> None:
    sign_in(page, server, AGENT1)
    expect(page.get_by_test_id("nav-dashboards")).to_have_count(0)
    expect(page.get_by_test_id("nav-customers")).to_have_count(0)
    page.goto(f"{server.url}/app/demo/customers")
    expect(page).to_have_url(re.compile(r"/app/demo/conversations$"))
    response = page.request.get(f"{server.url}/api/v1/workspaces/demo/analytics/customers/")
    assert response.status == 403

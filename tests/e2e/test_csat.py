"""CSAT in the browser: a visitor chats, the agent resolves over REST, the widget asks for a
rating, the visitor gives 4 stars and a comment, and the rating shows in the results API; the
signed e-mail link page works on its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import DEMO_PASSWORD, LiveServer
from tests.e2e.test_widget import (
    WIDGET,
    Agent,
    contact_id,
    frames_until,
    new_visitor,
    open_widget,
    page_language,
    stored,
    wait_for,
    write,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _live_server_helper() -> None:
    """Shadows pytest-django's helper of this name (see tests/e2e/conftest.py)."""


@pytest.fixture
def agent(live_server: LiveServer) -> Iterator[Agent]:
    """agent1 with a console socket open, so the widget offers live chat."""
    agent = Agent(live_server.url)
    with agent.socket() as ws:
        frames_until(ws, lambda f: f["type"] == "welcome")
        yield agent
    agent.http.close()


def admin_results(url: str, **params: str) -> dict[str, Any]:
    with httpx.Client(base_url=url, timeout=10) as http:
        http.get("/api/v1/auth/csrf").raise_for_status()
        http.post(
            "/api/v1/auth/login",
            json={"email": "admin@demo.parley.test", "password": DEMO_PASSWORD},
            headers={"X-CSRFToken": http.cookies.get("csrftoken") or ""},
        ).raise_for_status()
        response = http.get("/api/v1/workspaces/demo/csat/", params=params)
        response.raise_for_status()
        return dict(response.json())


def test_visitor_rates_a_resolved_conversation_in_the_widget(
    browser: Browser, live_server: LiveServer, agent: Agent, screenshot: Any
) -> None:
    context, page = new_visitor(browser)
    open_widget(page, live_server.url)
    write(page, "My order never arrived")
    expect(stored(page, "never arrived")).to_be_visible()
    contact = contact_id(page)
    [conversation] = wait_for(lambda: agent.conversations_of(contact))
    before = admin_results(live_server.url, group_by="inbox")["totals"]["responses"]

    agent.reply(conversation["id"], "Sent again today, sorry!")
    agent.post(
        f"/api/v1/workspaces/demo/conversations/{conversation['id']}/status/",
        {"status": "resolved"},
    )

    card = page.locator(f"{WIDGET} .csat")
    expect(card).to_contain_text("How did we do?")
    screenshot(page, "asked")
    card.locator("button[aria-label='4 of 5']").click()
    card.locator("textarea").fill("Quick and friendly <b>thanks</b>")
    card.locator("button[type=submit]").click()
    expect(card).to_contain_text("Thank you for your feedback!")
    expect(card.locator(".star.on")).to_have_count(4)
    expect(card).to_contain_text("Quick and friendly <b>thanks</b>")  # text, never markup
    screenshot(page, "thanks")

    results = admin_results(live_server.url, group_by="agent")
    assert results["totals"]["responses"] == before + 1
    assert sum(r["distribution"]["4"] for r in results["results"]) >= 1
    detail = agent.http.get(f"/api/v1/workspaces/demo/conversations/{conversation['id']}/")
    assert detail.json()["csat"] == {"rating": 4, "comment": "Quick and friendly <b>thanks</b>"}

    # A reload keeps the answer changeable while the window is open.
    page.reload()
    page.locator(f"{WIDGET} .launcher").click()
    expect(card).to_contain_text("Thank you for your feedback!")
    card.locator("button.link").click()
    card.locator("button[aria-label='5 of 5']").click()
    card.locator("button[type=submit]").click()
    expect(card.locator(".star.on")).to_have_count(5)
    detail = agent.http.get(f"/api/v1/workspaces/demo/conversations/{conversation['id']}/")
    assert detail.json()["csat"]["rating"] == 5
    context.close()


def test_chinese_widget_asks_in_chinese(
    browser: Browser, live_server: LiveServer, agent: Agent, screenshot: Any
) -> None:
    context, page = new_visitor(browser, locale="zh-CN")
    page_language(page, "zh-CN", "")
    open_widget(page, live_server.url)
    write(page, "我的快递还没到")
    expect(stored(page, "快递")).to_be_visible()
    [conversation] = wait_for(lambda: agent.conversations_of(contact_id(page)))

    agent.post(
        f"/api/v1/workspaces/demo/conversations/{conversation['id']}/status/",
        {"status": "resolved"},
    )

    card = page.locator(f"{WIDGET} .csat")
    expect(card).to_contain_text("请为本次服务评分")
    card.locator("button[aria-label^='3 ']").click()
    card.locator("button[type=submit]").click()
    expect(card).to_contain_text("感谢您的评价")
    screenshot(page, "zh")
    context.close()

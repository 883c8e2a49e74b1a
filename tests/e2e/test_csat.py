"""CSAT in the browser: a visitor chats, the agent resolves over REST, the widget asks for a
rating, the visitor gives 4 stars and a comment, and the rating shows in the results API; the
signed e-mail link page works on its own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import DEMO_PASSWORD, LiveServer, run_cli, running_server
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
    expect(card.locator("span.star.on")).to_have_count(4)
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
    expect(card.locator("span.star.on")).to_have_count(5)  # the thank-you shows the new rating
    detail = agent.http.get(f"/api/v1/workspaces/demo/conversations/{conversation['id']}/")
    assert detail.json()["csat"]["rating"] == 5

    # Writing again starts a new conversation: the old one's card goes away.
    write(page, "One more question")
    expect(stored(page, "One more question")).to_be_visible()
    expect(card).to_have_count(0)
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


# --- the signed link, on a server of our own (its secret key signs the link) ---------------------
@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("parley-csat")) as server:
        yield server


def signed_link(server: LiveServer, conversation: int) -> str:
    """What the e-mail engineer's code does: `csat_link(conversation)`, run in the server's own
    configuration so the link is signed with its key."""
    code = (
        "from parley.conversations.models import Conversation;"
        "from parley.conversations.services import csat_link;"
        f"print(csat_link(Conversation.objects.get(pk={conversation})))"
    )
    return run_cli(server, "shell", "-c", code).strip().splitlines()[-1]


def resolved_chat(url: str) -> int:
    """A visitor writes through the widget API; an admin resolves the conversation."""
    with httpx.Client(base_url=url, timeout=10, headers={"Origin": url}) as visitor:
        session = visitor.post("/api/widget/v1/sessions", json={"inbox": "demo"}).json()
        sent = visitor.post(
            "/api/widget/v1/messages",
            json={"client_id": str(uuid.uuid4()), "body": "Where is my refund?"},
            headers={"Authorization": f"Bearer {session['token']}"},
        )
        sent.raise_for_status()
        conversation = int(sent.json()["conversation"])
    with httpx.Client(base_url=url, timeout=10) as admin:
        admin.get("/api/v1/auth/csrf").raise_for_status()
        csrf = {"X-CSRFToken": admin.cookies.get("csrftoken") or ""}
        admin.post(
            "/api/v1/auth/login",
            json={"email": "admin@demo.parley.test", "password": DEMO_PASSWORD},
            headers=csrf,
        ).raise_for_status()
        admin.post(
            f"/api/v1/workspaces/demo/conversations/{conversation}/status/",
            json={"status": "resolved"},
            headers={"X-CSRFToken": admin.cookies.get("csrftoken") or ""},
        ).raise_for_status()
    return conversation


def test_the_email_link_page_takes_a_rating_without_login(
    browser: Browser, own_server: LiveServer, screenshot: Any
) -> None:
    server = own_server
    conversation = resolved_chat(server.url)
    link = signed_link(server, conversation)
    assert link.startswith("/csat/")
    context, page = new_visitor(browser, locale="zh-CN")

    page.goto(f"{server.url}{link}")
    expect(page.locator("h1")).to_have_text("服务评价")
    screenshot(page, "zh-form")
    page.locator("label[for=star4]").click()
    page.locator("textarea[name=comment]").fill("退款很快")
    page.locator("button[type=submit]").click()

    expect(page.locator(".note")).to_contain_text("感谢您的评价")
    expect(page.locator("input[name=rating][value='4']")).to_be_checked()
    screenshot(page, "zh-thanks")
    results = admin_results(server.url, group_by="inbox")
    assert results["totals"]["distribution"]["4"] == 1

    page.goto(f"{server.url}{link}x?lang=en")
    expect(page.locator(".problem")).to_have_text("This link is not valid.")
    context.close()

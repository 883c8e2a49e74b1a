"""PII masking in a real browser: an agent sees a customer's mobile number masked; a supervisor
reveals it (audited) and sees it whole; an admin finds the reveal in the Audit log page. The
customer reads their own words unmasked throughout. The contact panel shows an agent the
customer's e-mail address masked and a supervisor the address whole."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import DEMO_PASSWORD, LiveServer, run_cli, running_server
from tests.e2e.test_console import VIEWPORT, Visitor, new_visitor, sign_in

pytestmark = pytest.mark.e2e

SUPERVISOR = "supervisor@demo.parley.test"
PHONE = "13812341234"
BODY = f"我的手机号是{PHONE}，请回电"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own, with a supervisor added to the demo workspace."""
    script = (
        "from parley.accounts.models import Role, Workspace\n"
        "from parley.accounts.services import member_add, user_ensure\n"
        f"user = user_ensure(email={SUPERVISOR!r}, password={DEMO_PASSWORD!r},"
        " display_name='Sue Supervisor')\n"
        "member_add(workspace=Workspace.objects.get(slug='demo'), user=user,"
        " role=Role.SUPERVISOR)\n"
    )
    with running_server(tmp_path_factory.mktemp("parley-pii")) as live:
        run_cli(live, "shell", "-c", script)
        yield live


def open_conversation(browser: Any, server: LiveServer, email: str, conversation: int) -> Any:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    page = context.new_page()
    sign_in(page, server, email)
    page.goto(f"{server.url}/app/demo/conversations/{conversation}")
    return page


def test_agent_sees_masked_supervisor_reveals_admin_finds_the_reveal(
    server: LiveServer, browser: Any, screenshot: Any
) -> None:
    from playwright.sync_api import expect

    visitor = new_visitor(server, "王小明")
    visitor.say(BODY)
    assert visitor.conversation is not None

    # An agent sees the number masked, and has no reveal button.
    agent = open_conversation(browser, server, "agent1@demo.parley.test", visitor.conversation)
    bubble = agent.get_by_test_id("timeline").get_by_test_id("message").filter(has_text="请回电")
    expect(bubble).to_contain_text("我的手机号是138****1234")
    expect(bubble.get_by_test_id("reveal-pii")).to_have_count(0)
    assert PHONE not in agent.content()
    screenshot(agent, "agent-masked")
    refused = agent.request.post(
        f"{server.url}/api/v1/workspaces/demo/privacy/messages/0/reveal/",
        headers={"X-CSRFToken": csrf(agent)},
    )
    assert refused.status == 403

    # A supervisor reveals it and reads it whole.
    supervisor = open_conversation(browser, server, SUPERVISOR, visitor.conversation)
    bubble = (
        supervisor.get_by_test_id("timeline").get_by_test_id("message").filter(has_text="请回电")
    )
    expect(bubble).to_contain_text("138****1234")
    bubble.get_by_test_id("reveal-pii").click()
    expect(bubble).to_contain_text(BODY)
    expect(bubble.get_by_test_id("pii-revealed")).to_be_visible()
    screenshot(supervisor, "supervisor-revealed")

    # The customer always saw their own text.
    assert [m["body"] for m in visitor.visible_messages() if m["body"] == BODY] == [BODY]

    # An admin finds the reveal in the Audit log page.
    admin = browser.new_context(viewport=VIEWPORT, locale="en-US").new_page()
    sign_in(admin, server, "admin@demo.parley.test")
    admin.get_by_test_id("nav-audit-log").click()
    admin.get_by_test_id("audit-action").fill("pii.revealed")
    admin.get_by_test_id("audit-search").click()
    entry = admin.get_by_test_id("audit-entry").first
    expect(entry).to_contain_text("Sue Supervisor")
    expect(entry).to_contain_text("pii.revealed")
    expect(entry).to_contain_text("message.body")
    expect(admin.get_by_test_id("audit-entry")).to_have_count(1)
    admin.get_by_test_id("audit-verify").click()
    expect(admin.get_by_test_id("audit-chain")).to_contain_text("Chain intact")
    screenshot(admin, "admin-audit-log")

    # The agent has no audit log page: the link is not offered and the API refuses.
    expect(agent.get_by_test_id("nav-audit-log")).to_have_count(0)
    assert agent.request.get(f"{server.url}/api/v1/workspaces/demo/audit/").status == 403
    for page in (agent, supervisor, admin):
        page.context.close()


def test_the_contact_panel_shows_an_agent_the_address_masked(
    server: LiveServer, browser: Any, screenshot: Any
) -> None:
    """An agent (no "view PII") reads the customer's e-mail address masked in the contact
    panel; a supervisor reads it whole."""
    from playwright.sync_api import expect

    address = "wang.xiaoming@example.test"
    response = httpx.post(
        f"{server.url}/api/widget/v1/sessions",
        json={"inbox": "demo", "name": "王小明", "email": address},
        headers={"Origin": server.url},
    )
    assert response.status_code == 201, response.text
    visitor = Visitor(server=server, token=response.json()["token"])
    visitor.say("Where is my parcel?")
    assert visitor.conversation is not None

    agent = open_conversation(browser, server, "agent1@demo.parley.test", visitor.conversation)
    panel = agent.get_by_test_id("contact-panel")
    expect(panel.get_by_test_id("contact-email")).to_have_text("w***@example.test")
    assert address not in agent.content()
    screenshot(agent, "agent-email-masked")

    supervisor = open_conversation(browser, server, SUPERVISOR, visitor.conversation)
    expect(supervisor.get_by_test_id("contact-panel").get_by_test_id("contact-email")).to_have_text(
        address
    )
    screenshot(supervisor, "supervisor-email-clear")
    for page in (agent, supervisor):
        page.context.close()


def csrf(page: Any) -> str:
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return str(cookies.get("csrftoken", ""))


def test_the_export_link_downloads_csv(server: LiveServer) -> None:
    client = httpx.Client(base_url=server.url)
    client.get("/api/v1/auth/csrf")
    token = client.cookies.get("csrftoken") or ""
    login = client.post(
        "/api/v1/auth/login",
        json={"email": "admin@demo.parley.test", "password": DEMO_PASSWORD},
        headers={"X-CSRFToken": token, "Origin": server.url, "Referer": server.url + "/"},
    )
    assert login.status_code == 200, login.text
    response = client.get("/api/v1/workspaces/demo/audit/export/", params={"action": "auth."})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.lstrip("\ufeff").startswith("seq,created_at,actor_id")

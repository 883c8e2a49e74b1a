"""The console's ticket views in a real browser: an agent opens Tickets, filters, sets the
priority of two tickets in one bulk action, sees another's ticket offered read-only, sees a
ticket changed by someone else update live, opens a ticket (its conversation and the ticket
panel), edits a custom field (a validation error by the field, then saved), escalates a live
chat into a ticket, and reads SLA clocks; the list in Chinese.

The test runs on a server of its own (it defines custom fields). Screenshots go to
test-artifacts/test_<name>-<step>.png."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.e2e.conftest import DEMO_PASSWORD, LiveServer, running_server
from tests.e2e.test_console import new_visitor, sign_in

pytestmark = pytest.mark.e2e

API = "/api/v1/workspaces/demo"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("parley-tickets-console")) as server:
        yield server


def staff(url: str, email: str = "admin@demo.parley.test") -> httpx.Client:
    """A signed-in REST client with its CSRF header set."""
    http = httpx.Client(base_url=url, timeout=10)
    http.get("/api/v1/auth/csrf").raise_for_status()
    http.headers["X-CSRFToken"] = http.cookies.get("csrftoken") or ""
    http.post(
        "/api/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD}
    ).raise_for_status()
    http.headers["X-CSRFToken"] = http.cookies.get("csrftoken") or ""
    return http


def member_id(http: httpx.Client, email: str) -> int:
    members = http.get(f"{API}/members/").json()
    return int(next(m["id"] for m in members if m["email"] == email))


def new_ticket(http: httpx.Client, subject: str, name: str, email: str) -> dict[str, Any]:
    inbox = http.get(f"{API}/inboxes/").json()[0]["id"]
    response = http.post(
        f"{API}/tickets/",
        json={
            "inbox": inbox,
            "name": name,
            "email": email,
            "subject": subject,
            "description": f"{subject} — details.",
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


# What each state reads as in English, for tickets whose clock the server computed.
STATE_WORDS = {
    "ok": r"left$",
    "warning": r"left$",
    "breached": r"^Overdue by ",
    "paused": r"^Paused",
    "met": r"^(Met|Missed)$",
}


def sla_states(numbers: dict[str, str]) -> Any:
    """A route handler giving the list's first three tickets a breached, a paused and a running
    clock (recording which got which), so each kind is checked whatever the policies are."""
    now = datetime.now(UTC)
    states = [
        ("breached", now - timedelta(minutes=5), False, None),
        ("paused", None, True, 3 * 3600 + 120),
        ("ok", now + timedelta(hours=2, minutes=30), False, None),
    ]

    def handle(route: Route) -> None:
        response = route.fetch()
        body = response.json()
        for row, (state, due, paused, remaining) in zip(body["results"], states, strict=False):
            numbers[state] = str(row["number"])
            row["sla"] = {
                "policy": {"id": 1, "name": "Standard"},
                "state": state,
                "first_response": {"due_at": None, "met_at": now.isoformat(), "breached": False},
                "resolution": {
                    "due_at": due.isoformat() if due else None,
                    "met_at": None,
                    "breached": state == "breached",
                    "paused": paused,
                    "remaining_seconds": remaining,
                },
            }
        route.fulfill(response=response, body=json.dumps(body))

    return handle


def test_an_agent_works_tickets_in_the_console(
    server: LiveServer, browser: Browser, screenshot: Any
) -> None:
    admin = staff(server.url)
    admin.post(
        f"{API}/ticket-fields/",
        json={"key": "amount", "label": "Refund amount", "kind": "number"},
    ).raise_for_status()
    admin.post(
        f"{API}/ticket-fields/",
        json={"key": "reason", "label": "Reason", "kind": "choice", "choices": ["damaged", "late"]},
    ).raise_for_status()
    first = new_ticket(admin, "Refund for order 1234", "王小明", "xm@example.com")
    second = new_ticket(admin, "Refund for a broken mug", "Emma Wilson", "emma@example.com")
    third = new_ticket(admin, "Invoice address change", "Li Wei", "li@example.com")
    theirs = new_ticket(admin, "Refund requested twice", "Zhang San", "zs@example.com")
    agent2 = member_id(admin, "agent2@demo.parley.test")
    admin.post(
        f"{API}/tickets/bulk/", json={"ids": [theirs["id"]], "action": "assign", "assignee": agent2}
    ).raise_for_status()

    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="en-US")
    page = context.new_page()
    sign_in(page, server)

    # Given the agent opens Tickets: their own view is empty; the views count what each holds.
    page.get_by_test_id("nav-tickets").click()
    expect(page.get_by_test_id("tickets-empty")).to_be_visible()
    expect(page.get_by_test_id("ticket-count-mine")).to_have_text("0")
    expect(page.get_by_test_id("ticket-count-unassigned")).to_have_text("3")
    expect(page.get_by_test_id("ticket-count-all")).to_have_text("4")
    screenshot(page, "mine-empty")
    page.get_by_test_id("ticket-view-all").click()
    for ticket in (first, second, third, theirs):
        expect(page.get_by_test_id(f"ticket-row-{ticket['number']}")).to_be_visible()
    # Another agent's ticket is not offered for bulk changes.
    expect(page.get_by_test_id(f"ticket-select-{theirs['number']}")).to_be_disabled()
    screenshot(page, "all")

    # When they search for refunds, only those rows stay; then by status.
    page.get_by_test_id("ticket-search").fill("refund")
    expect(page.get_by_test_id(f"ticket-row-{third['number']}")).to_have_count(0)
    expect(page.get_by_test_id(f"ticket-row-{first['number']}")).to_be_visible()
    page.get_by_test_id("ticket-filter-status").select_option("new")
    expect(page.get_by_test_id(f"ticket-row-{theirs['number']}")).to_have_count(0)
    expect(page.get_by_test_id("ticket-count-all")).to_have_text("2")

    # And set the priority of both in one bulk action.
    page.get_by_test_id(f"ticket-select-{first['number']}").check()
    page.get_by_test_id(f"ticket-select-{second['number']}").check()
    expect(page.get_by_test_id("ticket-bulk")).to_contain_text("2 selected")
    page.get_by_test_id("bulk-kind").select_option("priority")
    page.get_by_test_id("bulk-value").select_option("urgent")
    screenshot(page, "bulk")
    page.get_by_test_id("bulk-apply").click()
    expect(page.get_by_test_id("toast-bulk")).to_contain_text("2 of 2 tickets changed")
    for ticket in (first, second):
        row = page.get_by_test_id(f"ticket-row-{ticket['number']}")
        expect(row.get_by_test_id("ticket-priority")).to_have_text("Urgent")
        stored = admin.get(f"{API}/tickets/{ticket['id']}/").json()
        assert stored["priority"] == "urgent"
    expect(page.get_by_test_id("ticket-bulk")).to_have_count(0)
    screenshot(page, "bulk-done")

    # A refusal is shown and the selection kept: the ticket was given to agent2 meanwhile.
    page.get_by_test_id("ticket-filters-clear").click()
    page.get_by_test_id(f"ticket-select-{third['number']}").check()
    admin.post(
        f"{API}/tickets/bulk/", json={"ids": [third["id"]], "action": "assign", "assignee": agent2}
    ).raise_for_status()
    page.get_by_test_id("bulk-kind").select_option("status")
    page.get_by_test_id("bulk-value").select_option("pending")
    page.get_by_test_id("bulk-apply").click()
    expect(page.get_by_test_id("bulk-error")).to_contain_text("someone else's")
    expect(page.get_by_test_id("ticket-bulk")).to_contain_text("1 selected")
    expect(page.get_by_test_id(f"ticket-row-{third['number']}")).to_contain_text("Agent Two")
    assert admin.get(f"{API}/tickets/{third['id']}/").json()["status"] == "open"
    screenshot(page, "bulk-refused")
    page.get_by_test_id("bulk-clear").click()

    # A change made elsewhere shows in the list live (ticket.updated).
    admin.patch(f"{API}/tickets/{first['id']}/", json={"tags": ["vip"]}).raise_for_status()
    expect(page.get_by_test_id(f"ticket-row-{first['number']}")).to_contain_text("vip")
    agent1 = member_id(admin, "agent1@demo.parley.test")
    admin.post(
        f"{API}/conversations/{second['id']}/assign/", json={"assignee": agent1}
    ).raise_for_status()
    expect(page.get_by_test_id(f"ticket-row-{second['number']}")).to_contain_text("Agent One")
    expect(page.get_by_test_id("ticket-count-mine")).to_have_text("1")
    admin.post(
        f"{API}/conversations/{second['id']}/assign/", json={"assignee": None}
    ).raise_for_status()
    expect(page.get_by_test_id(f"ticket-row-{second['number']}")).not_to_contain_text("Agent One")

    # When the agent opens a ticket: its conversation and the ticket panel.
    page.get_by_test_id(f"ticket-row-{first['number']}").get_by_role(
        "link", name=first["subject"]
    ).click()
    panel = page.get_by_test_id("ticket-panel")
    expect(panel.get_by_test_id("ticket-number")).to_have_text(first["display_number"])
    expect(page.get_by_test_id("timeline")).to_contain_text("Refund for order 1234 — details.")
    expect(panel.get_by_test_id("panel-created-via")).to_have_text("Console")
    expect(page.get_by_test_id("escalate")).to_have_count(0)

    # An amount that is not a number comes back as a problem beside the field, kept as typed.
    panel.get_by_test_id("field-amount").fill("twelve")
    panel.get_by_test_id("field-reason").select_option("damaged")
    panel.get_by_test_id("panel-save-fields").click()
    expect(panel.get_by_test_id("field-error")).to_have_text("Enter a number, e.g. 12.50.")
    expect(panel.get_by_test_id("field-amount")).to_have_attribute("aria-invalid", "true")
    expect(panel.get_by_test_id("field-amount")).to_have_value("twelve")
    screenshot(page, "field-error")
    assert admin.get(f"{API}/tickets/{first['id']}/").json()["custom_fields"] == {}

    # Corrected, it is saved; the subject is edited too.
    panel.get_by_test_id("field-amount").fill("12.50")
    panel.get_by_test_id("panel-save-fields").click()
    expect(panel.get_by_test_id("panel-saved")).to_have_text("Saved: Custom fields")
    expect(panel.get_by_test_id("field-error")).to_have_count(0)
    panel.get_by_test_id("panel-subject").fill("Refund for order 1234 (damaged)")
    panel.get_by_test_id("panel-subject").press("Enter")
    expect(panel.get_by_test_id("panel-saved")).to_have_text("Saved: Subject")
    stored = admin.get(f"{API}/tickets/{first['id']}/").json()
    assert stored["custom_fields"] == {"amount": 12.5, "reason": "damaged"}
    assert stored["subject"] == "Refund for order 1234 (damaged)"
    screenshot(page, "ticket")

    # When a visitor's live chat is escalated from the conversation's header.
    visitor = new_visitor(server, "Chen Jing")
    visitor.say("My order arrived broken, can you help?")
    page.goto(f"{server.url}/app/demo/conversations/{visitor.conversation}")
    expect(page.get_by_test_id("timeline")).to_contain_text("My order arrived broken")
    page.get_by_test_id("escalate").click()
    strip = page.get_by_test_id("ticket-strip")
    expect(strip).to_be_visible()
    expect(page.get_by_test_id("toast-escalated")).to_be_visible()
    expect(page.get_by_test_id("escalate")).to_have_count(0)
    expect(page.get_by_test_id("timeline")).to_contain_text("My order arrived broken")
    escalated = admin.get(f"{API}/tickets/{visitor.conversation}/").json()
    assert escalated["created_via"] == "escalation"
    expect(strip).to_contain_text(escalated["display_number"])
    # The customer's first words are its subject.
    assert escalated["subject"] == "My order arrived broken, can you help?"
    screenshot(page, "escalated")
    strip.get_by_test_id("open-ticket").click()
    expect(page.get_by_test_id("ticket-panel").get_by_test_id("panel-created-via")).to_have_text(
        "Escalated chat"
    )

    # A ticket made in the console: the requester by e-mail, and it opens.
    page.get_by_test_id("back-to-tickets").click()
    page.get_by_test_id("new-ticket").click()
    dialog = page.get_by_test_id("new-ticket-dialog")
    dialog.get_by_test_id("new-ticket-email").fill("zhao@example.com")
    dialog.get_by_test_id("new-ticket-name").fill("赵六")
    dialog.get_by_test_id("new-ticket-subject").fill("发票抬头错误")
    dialog.get_by_test_id("new-ticket-description").fill("请把发票抬头改为公司名称。")
    dialog.get_by_test_id("new-ticket-priority").select_option("high")
    dialog.get_by_test_id("new-ticket-tags").fill("invoice, 发票")
    screenshot(page, "new-ticket")
    dialog.get_by_test_id("new-ticket-submit").click()
    panel = page.get_by_test_id("ticket-panel")
    expect(panel.get_by_test_id("panel-subject")).to_have_value("发票抬头错误")
    expect(panel.get_by_test_id("panel-tags")).to_contain_text("发票")
    made = admin.get(f"{API}/tickets/?q=发票抬头").json()["results"]
    assert [(t["requester"]["email"], t["priority"], t["created_via"]) for t in made] == [
        ("zhao@example.com", "high", "console")
    ]

    # A link with a search (as a follow-up's link to the ticket it follows) lists that ticket.
    page.goto(f"{server.url}/app/demo/tickets?q={second['number']}")
    expect(page.get_by_test_id("ticket-search")).to_have_value(str(second["number"]))
    expect(page.get_by_test_id(f"ticket-row-{second['number']}")).to_be_visible()
    expect(page.get_by_test_id(f"ticket-row-{first['number']}")).to_have_count(0)

    # SLA clocks as the server computes them: each ticket with a policy shows its state in
    # words; one without shows none.
    page.goto(f"{server.url}/app/demo/tickets")
    page.get_by_test_id("ticket-view-all").click()
    listed = admin.get(f"{API}/tickets/").json()["results"]
    expect(page.get_by_test_id(f"ticket-row-{listed[0]['number']}")).to_be_visible()
    for ticket in listed:
        clock = page.get_by_test_id(f"ticket-row-{ticket['number']}").get_by_test_id("sla-clock")
        if ticket.get("sla"):
            expect(clock).to_have_attribute("data-state", re.compile(".+"))
            shown = clock.get_attribute("data-state")
            expect(clock.locator(".time")).to_have_text(re.compile(STATE_WORDS[str(shown)]))
        else:
            expect(clock).to_have_count(0)
    screenshot(page, "sla-server")

    # Overdue, paused with the time left, counting down; in words, not colour alone.
    numbers: dict[str, str] = {}
    page.route(re.compile(r".*/api/v1/workspaces/demo/tickets/\?.*"), sla_states(numbers))
    page.reload()
    page.get_by_test_id("ticket-view-all").click()
    expect(page.get_by_test_id("sla-clock").first).to_be_visible()

    def clock_of(state: str) -> Any:
        return page.get_by_test_id(f"ticket-row-{numbers[state]}").get_by_test_id("sla-clock")

    expect(clock_of("breached")).to_have_attribute("data-state", "breached")
    expect(clock_of("breached")).to_contain_text(re.compile(r"Overdue by 5m \d\ds"))
    expect(clock_of("paused")).to_contain_text("Paused · 3h 02m left")
    expect(clock_of("ok")).to_contain_text(re.compile(r"2h (29|30)m left"))
    expect(page.get_by_test_id("ticket-filter-sla")).to_be_visible()
    screenshot(page, "sla")

    # In Chinese, the list's words fit.
    page.get_by_test_id("locale").select_option("zh-CN")
    expect(page.get_by_test_id("ticket-view-all")).to_contain_text("全部工单")
    expect(clock_of("breached")).to_contain_text("已超时")
    screenshot(page, "zh-CN")
    overflow = page.evaluate(
        "() => { const r = document.querySelector('#ticket-rows');"
        " return r.scrollWidth - r.clientWidth; }"
    )
    assert overflow <= 0, f"the table is {overflow}px wider than its pane"
    context.close()
    admin.close()


def test_the_console_offers_an_agent_no_escalation_of_anothers_chat(
    server: LiveServer, browser: Browser
) -> None:
    admin = staff(server.url)
    visitor = new_visitor(server, "Wang Fang")
    visitor.say("Where is my invoice?")
    agent2 = member_id(admin, "agent2@demo.parley.test")
    admin.post(
        f"{API}/conversations/{visitor.conversation}/assign/", json={"assignee": agent2}
    ).raise_for_status()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page: Page = context.new_page()
    sign_in(page, server)

    page.goto(f"{server.url}/app/demo/conversations/{visitor.conversation}")

    expect(page.get_by_test_id("timeline")).to_contain_text("Where is my invoice?")
    expect(page.get_by_test_id("assign-to-me")).to_be_visible()
    expect(page.get_by_test_id("escalate")).to_have_count(0)
    context.close()
    admin.close()

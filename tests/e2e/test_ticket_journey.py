"""A ticket's whole life, across every front end and a real mail server.

Out of hours a visitor leaves a message in the widget → it becomes a ticket whose SLA clock the
agent sees in the console → the agent replies and solves it there → the customer's e-mails,
caught by an SMTP server running in this test, carry the ticket number, and the last one a
rating link → the customer rates it on that page → the rating shows in the agent's KPIs.

The server is our own: its inbox is closed today (a holiday) and it sends mail to our SMTP
server with no delay for replies. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import DEMO_PASSWORD, LiveServer, running_server
from tests.e2e.test_console import sign_in
from tests.e2e.test_widget import WIDGET
from tests.mail import Mailbox, Received, running_smtp_server

pytestmark = pytest.mark.e2e

API = "/api/v1/workspaces/demo"
CUSTOMER = "chen.jing@example.com"
QUESTION = "My parcel arrived damaged — can I get a replacement? 包裹破损了。"


@pytest.fixture(scope="module")
def mail_and_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Mailbox, LiveServer]]:
    with (
        running_smtp_server() as (mailbox, port),
        running_server(
            tmp_path_factory.mktemp("parley-ticket-journey"),
            env={
                "EMAIL_URL": f"smtp://127.0.0.1:{port}",
                "DEFAULT_FROM_EMAIL": "Demo Support <support@parley.test>",
                "PARLEY_REPLY_DOMAIN": "reply.parley.test",
                "PARLEY_EMAIL_REPLY_DELAY": "0",
            },
        ) as server,
    ):
        yield mailbox, server


def admin_client(url: str) -> httpx.Client:
    http = httpx.Client(base_url=url, timeout=10)
    http.get("/api/v1/auth/csrf").raise_for_status()
    http.headers["X-CSRFToken"] = http.cookies.get("csrftoken") or ""
    http.post(
        "/api/v1/auth/login", json={"email": "admin@demo.parley.test", "password": DEMO_PASSWORD}
    ).raise_for_status()
    http.headers["X-CSRFToken"] = http.cookies.get("csrftoken") or ""
    return http


def close_the_demo_inbox_today(admin: httpx.Client) -> None:
    """Weekday hours as usual, but today and tomorrow are holidays: closed now, whatever the
    time of day the test runs."""
    inbox = admin.get(f"{API}/inboxes/").json()[0]
    today = datetime.now(UTC).date()
    hours = {
        "enabled": True,
        "timezone": "UTC",
        "weekly": {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
        "holidays": [
            {"date": (today + timedelta(days=n)).isoformat(), "name": "Holiday"} for n in (0, 1)
        ],
    }
    response = admin.patch(
        f"{API}/inboxes/{inbox['id']}/", json={"settings": {"business_hours": hours}}
    )
    assert response.status_code == 200, response.text


def mail_to_customer(mailbox: Mailbox, subject_part: str, timeout: float = 20) -> Received:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for received in mailbox.received:
            if CUSTOMER in received.envelope_to and subject_part in str(
                received.message["Subject"]
            ):
                return received
        time.sleep(0.2)
    subjects = [str(r.message["Subject"]) for r in mailbox.received]
    raise AssertionError(f"no e-mail with {subject_part!r} to the customer; got {subjects}")


def test_a_message_left_out_of_hours_becomes_a_ticket_answered_solved_and_rated(
    browser: Browser, mail_and_server: tuple[Mailbox, LiveServer], screenshot: Any
) -> None:
    mailbox, server = mail_and_server
    admin = admin_client(server.url)
    close_the_demo_inbox_today(admin)

    # The visitor finds the team closed and leaves a message.
    visitor = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    widget = visitor.new_page()
    widget.goto(f"{server.url}/demo/")
    widget.locator(f"{WIDGET} .launcher").click()
    form = widget.locator(f"{WIDGET} form.leave")
    expect(form).to_be_visible()
    form.get_by_label("Name").fill("Chen Jing")
    form.get_by_label("E-mail").fill(CUSTOMER)
    form.locator("textarea").fill(QUESTION)
    form.get_by_role("button", name="Send message").click()
    expect(widget.locator(f"{WIDGET} .thanks")).to_be_visible()
    screenshot(widget, "left")

    # It is a ticket, with a number the customer is told by e-mail, and an SLA clock.
    [ticket] = [
        t
        for t in admin.get(f"{API}/tickets/", params={"q": CUSTOMER}).json()["results"]
        if t["requester"]["email"] == CUSTOMER
    ]
    number = ticket["display_number"]
    assert ticket["created_via"] == "leave_message"
    assert ticket["sla"] is not None and ticket["sla"]["first_response"]["due_at"]
    created = mail_to_customer(mailbox, f"[{number}]")
    assert number in created.text()

    # The agent finds it among the unassigned tickets, with its clock, and answers.
    console = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    agent = console.new_page()
    sign_in(agent, server)
    agent.goto(f"{server.url}/app/demo/tickets")
    agent.get_by_test_id("ticket-view-unassigned").click()
    row = agent.get_by_test_id(f"ticket-row-{ticket['number']}")
    expect(row).to_be_visible()
    expect(row.get_by_test_id("sla-clock")).to_contain_text("left")
    screenshot(agent, "tickets")
    row.get_by_role("link", name=ticket["subject"]).click()
    panel = agent.get_by_test_id("ticket-panel")
    expect(panel.get_by_test_id("ticket-number")).to_have_text(number)
    expect(agent.get_by_test_id("timeline")).to_contain_text("包裹破损了")
    reply = "Sorry about that! A replacement is on its way; no need to send the parcel back."
    agent.get_by_test_id("composer-input").fill(reply)
    agent.get_by_test_id("send").click()
    expect(agent.get_by_test_id("timeline")).to_contain_text("A replacement is on its way")
    replied = mail_to_customer(mailbox, f"[{number}] Re:")
    assert "A replacement is on its way" in replied.text()

    # The first response is on record: the clock's first target is met.
    answered = admin.get(f"{API}/tickets/{ticket['id']}/").json()
    assert answered["sla"]["first_response"]["met_at"]
    assert answered["assignee"]["name"] == "Agent One"

    # Solved from the ticket panel: the customer gets the news and a rating link.
    panel.get_by_test_id("panel-status-select").select_option("solved")
    expect(panel.get_by_test_id("panel-status")).to_contain_text("Solved")
    screenshot(agent, "solved")
    solved = mail_to_customer(mailbox, f"[{number}] Solved:")
    link = re.search(r"https?://\S+/csat/\S+", solved.text())
    assert link is not None, solved.text()
    assert link.group(0).startswith(server.url)

    # The customer rates the service on the linked page.
    rating = visitor.new_page()
    rating.goto(link.group(0))
    rating.locator("label[for=star5]").click()
    rating.locator("textarea[name=comment]").fill("Fast and kind, thank you")
    rating.locator("button[type=submit]").click()
    expect(rating.locator(".note")).to_contain_text("Thank you")
    screenshot(rating, "rated")

    # The rating counts in Agent One's KPIs for today.
    agent1 = next(
        m["id"] for m in admin.get(f"{API}/members/").json() if m["email"].startswith("agent1@")
    )
    agent.goto(f"{server.url}/app/demo/performance")
    kpi_row = agent.get_by_test_id(f"kpi-row-{agent1}")
    expect(kpi_row.get_by_test_id("kpi-csat")).to_have_text(
        re.compile(r"^\s*5(\.0)?\s+1 rating · 100% satisfied\s*$")
    )
    screenshot(agent, "kpis")
    visitor.close()
    console.close()
    admin.close()

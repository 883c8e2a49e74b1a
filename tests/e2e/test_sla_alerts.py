"""SLA alerts in the console: the embedded mode's timer job finds a ticket whose first-response
warning time and resolution due time have passed, and its assignee sees both toasts; *Open*
leads to the ticket.

The ticket's clocks are moved into the past in the server's own database (a server of this
test's own, so no other test sees it); the job then runs on the server's minute tick, as it
does in production. Screenshots go to test-artifacts/test_<name>-<step>.png."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import ViewportSize, expect

from tests.e2e.conftest import LiveServer, OpenPage, run_cli, running_server
from tests.e2e.test_console import sign_in
from tests.e2e.test_sla_policies import csrf_headers

pytestmark = pytest.mark.e2e

API = "/api/v1/workspaces/demo"
VIEWPORT: ViewportSize = {"width": 1280, "height": 860}
# The embedded scheduler runs the job every minute: wait one tick and some.
TICK_MS = 80_000

OVERDUE = """
from datetime import timedelta
from django.utils import timezone
from parley.tickets.sla_models import TicketSla
now = timezone.now()
changed = TicketSla.objects.filter(pk={ticket_id}).update(
    first_response_warn_at=now - timedelta(minutes=1),
    first_response_due_at=now + timedelta(hours=1),
    resolution_warn_at=now - timedelta(minutes=30),
    resolution_due_at=now - timedelta(minutes=1),
    next_check_at=now - timedelta(minutes=1),
)
assert changed == 1, changed
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("parley-sla-alerts")) as server:
        yield server


def make_overdue(server: LiveServer, ticket_id: int) -> None:
    run_cli(server, "shell", "-c", OVERDUE.format(ticket_id=ticket_id), timeout=60)


def test_the_assignee_sees_the_warning_and_the_breach(
    server: LiveServer, open_page: OpenPage, screenshot: Any
) -> None:
    # Given a ticket under the demo's SLA policy, assigned to an agent who has the console open.
    admin = open_page()
    sign_in(admin, server, "admin@demo.parley.test")
    inbox = admin.request.get(f"{server.url}{API}/inboxes/").json()[0]
    created = admin.request.post(
        f"{server.url}{API}/tickets/",
        data={
            "inbox": inbox["id"],
            "email": "late-customer@example.com",
            "name": "Late customer",
            "subject": "Where is my invoice?",
            "description": "I asked for it last week.",
        },
        headers=csrf_headers(admin),
    )
    assert created.status == 201, created.text()
    ticket = created.json()
    assert ticket["sla"] is not None
    agent1 = next(
        m
        for m in admin.request.get(f"{server.url}{API}/members/").json()
        if m["email"] == "agent1@demo.parley.test"
    )
    assigned = admin.request.post(
        f"{server.url}{API}/conversations/{ticket['id']}/assign/",
        data={"assignee": agent1["id"]},
        headers=csrf_headers(admin),
    )
    assert assigned.ok, assigned.text()
    agent = open_page()
    sign_in(agent, server)

    # When its first-response warning time and resolution due time have passed.
    make_overdue(server, ticket["id"])

    # Then, at the job's next run, the agent sees both alerts, naming the ticket.
    warning = agent.get_by_test_id("toast-sla-warning")
    breached = agent.get_by_test_id("toast-sla-breached")
    expect(warning).to_be_visible(timeout=TICK_MS)
    expect(breached).to_be_visible()
    expect(warning).to_contain_text(ticket["display_number"])
    expect(breached).to_contain_text("Where is my invoice?")
    screenshot(agent, "toasts")

    # And the breach's Open leads to the ticket, whose clock shows it.
    breached.get_by_role("button", name="Open").click()
    expect(agent).to_have_url(f"{server.url}/app/demo/tickets/{ticket['id']}")
    stored = admin.request.get(f"{server.url}{API}/tickets/{ticket['id']}/").json()
    assert stored["sla"]["resolution"]["breached"] is True
    screenshot(agent, "ticket")

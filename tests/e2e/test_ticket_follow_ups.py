"""A ticket's panel links the tickets that follow it up, and the follow-up links back.

A follow-up is made when a customer writes into a closed ticket, after the reopen window: too
slow for a browser test, so the link is made in the server's own database (a server of this
test's own). Screenshots go to test-artifacts/test_<name>-<step>.png."""

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

LINK = """
from parley.tickets.models import Ticket
assert Ticket.objects.filter(pk={follow_up}).update(follow_up_of_id={first}) == 1
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("parley-follow-ups")) as server:
        yield server


def test_the_panel_links_follow_ups_both_ways(
    server: LiveServer, open_page: OpenPage, screenshot: Any
) -> None:
    admin = open_page()
    sign_in(admin, server, "admin@demo.parley.test")
    inbox = admin.request.get(f"{server.url}{API}/inboxes/").json()[0]

    def new_ticket(subject: str) -> dict[str, Any]:
        created = admin.request.post(
            f"{server.url}{API}/tickets/",
            data={
                "inbox": inbox["id"],
                "email": "returning@example.com",
                "name": "Returning customer",
                "subject": subject,
                "description": subject,
            },
            headers=csrf_headers(admin),
        )
        assert created.status == 201, created.text()
        return dict(created.json())

    # Given a ticket and a later one that follows it up.
    first = new_ticket("Refund for order 881")
    follow_up = new_ticket("Refund still missing")
    run_cli(
        server, "shell", "-c", LINK.format(first=first["id"], follow_up=follow_up["id"]), timeout=60
    )

    # When the admin opens the first ticket, its panel links the follow-up.
    admin.goto(f"{server.url}/app/demo/tickets/{first['id']}")
    links = admin.get_by_test_id("panel-follow-ups")
    expect(links).to_have_text(follow_up["display_number"])
    screenshot(admin, "first")

    # Then the link opens the follow-up, which names the ticket it follows.
    links.get_by_role("link", name=follow_up["display_number"]).click()
    expect(admin).to_have_url(f"{server.url}/app/demo/tickets/{follow_up['id']}")
    expect(admin.get_by_text("Follow-up of")).to_be_visible()
    expect(admin.get_by_role("link", name=first["display_number"])).to_be_visible()
    expect(admin.get_by_test_id("panel-follow-ups")).to_have_count(0)
    screenshot(admin, "follow-up")

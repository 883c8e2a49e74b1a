"""A ticket's panel links the tickets that follow it up, and the follow-up links back.

A follow-up is made when a customer writes into a closed ticket, after the reopen window: too
slow for a browser test, so the link is made in the server's own database (a server of this
test's own). Screenshots go to test-artifacts/test_<name>-<step>.png."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from tests.e2e.conftest import ROOT, LiveServer, server_env, start_server
from tests.e2e.test_console import sign_in
from tests.e2e.test_sla_policies import csrf_headers

pytestmark = pytest.mark.e2e

API = "/api/v1/workspaces/demo"
VIEWPORT: ViewportSize = {"width": 1280, "height": 860}

LINK = """
import django
django.setup()
from parley.tickets.models import Ticket
assert Ticket.objects.filter(pk={follow_up}).update(follow_up_of_id={first}) == 1
"""


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    data_dir = tmp_path_factory.mktemp("parley-follow-ups")
    server = start_server(data_dir)
    yield server, data_dir
    server.process.terminate()
    server.process.wait(timeout=10)


def test_the_panel_links_follow_ups_both_ways(
    browser: Browser, own_server: tuple[LiveServer, Path], screenshot: Any
) -> None:
    server, data_dir = own_server
    admin = browser.new_context(viewport=VIEWPORT, locale="en-US").new_page()
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
    subprocess.run(
        [sys.executable, "-c", LINK.format(first=first["id"], follow_up=follow_up["id"])],
        cwd=ROOT,
        env=server_env(data_dir, server.port),
        check=True,
        timeout=60,
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

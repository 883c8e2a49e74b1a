"""The console in a real browser, as each role: every page of the permission matrix
(parley/accounts/permissions_surfaces.py) that a role may not open is missing from its
navigation and, opened by its address, sends the member back to their conversations; every page
it may open stays open. And links in what customers write are rendered safely: a web link opens
in a new tab with rel="noopener noreferrer", a javascript: link is not a link at all."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from parley.accounts.permissions_surfaces import PAGES
from tests.e2e.conftest import DEMO_PASSWORD, LiveServer, run_cli, running_server
from tests.e2e.test_console import VIEWPORT, new_visitor, sign_in

pytestmark = pytest.mark.e2e

PEOPLE = {
    "owner": "owner@demo.parley.test",
    "admin": "admin@demo.parley.test",
    "supervisor": "supervisor@demo.parley.test",
    "agent": "agent1@demo.parley.test",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own, with an owner and a supervisor added to the demo workspace."""
    script = (
        "from parley.accounts.models import Role, Workspace\n"
        "from parley.accounts.services import member_add, user_ensure\n"
        "ws = Workspace.objects.get(slug='demo')\n"
        f"for email, role in (({PEOPLE['owner']!r}, Role.OWNER),"
        f" ({PEOPLE['supervisor']!r}, Role.SUPERVISOR)):\n"
        f"    user = user_ensure(email=email, password={DEMO_PASSWORD!r}, display_name=email)\n"
        "    member_add(workspace=ws, user=user, role=role)\n"
    )
    with running_server(tmp_path_factory.mktemp("parley-guards")) as live:
        run_cli(live, "shell", "-c", script)
        yield live


@pytest.mark.parametrize("role", list(PEOPLE))
def test_every_console_page_as_every_role(browser: Any, server: LiveServer, role: str) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    page = context.new_page()
    sign_in(page, server, PEOPLE[role])
    nav = page.get_by_role("navigation")
    nav.wait_for()
    shown = {
        link.get_attribute("href").rstrip("/").split("/app/demo/")[-1]
        for link in nav.locator("a[href*='/app/demo/']").all()
    }
    wrong = []
    for rule in PAGES:
        path = rule.path.replace("<id>", "1")
        page.goto(f"{server.url}/app/demo/{path}")
        page.wait_for_load_state("networkidle")
        landed = page.url.split("/app/demo/")[-1].split("?")[0].rstrip("/")
        allowed = role in rule.roles
        if allowed and landed != path:
            wrong.append(f"{path}: allowed but sent to {landed}")
        if not allowed and not landed.startswith("conversations"):
            wrong.append(f"{path}: refused but stayed on {landed}")
        if not allowed and path in shown:
            wrong.append(f"{path}: refused but in the navigation")
    context.close()
    assert wrong == []


def test_links_in_a_customers_message_open_safely(browser: Any, server: LiveServer) -> None:
    visitor = new_visitor(server, "Link Sender")
    visitor.say("see https://shop.example/orders/1 and javascript:alert(document.cookie)")
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    page = context.new_page()
    sign_in(page, server, PEOPLE["agent"])
    page.goto(f"{server.url}/app/demo/conversations/{visitor.conversation}")
    link = page.locator("a[href='https://shop.example/orders/1']")
    link.wait_for()
    assert set((link.get_attribute("rel") or "").split()) >= {"noopener", "noreferrer"}
    assert link.get_attribute("target") == "_blank"
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.get_by_text(re.compile("javascript:alert")).count() >= 1
    context.close()

"""A ticket custom field marked sensitive, in a real browser: an admin ticks *Sensitive* on the
Ticket fields page, the existing value moves into the encrypted column, and an agent's ticket
panel shows it masked. Runs on a server of its own (it defines custom fields)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import LiveServer, start_server
from tests.e2e.test_console import sign_in
from tests.e2e.test_tickets_console import API, staff

pytestmark = pytest.mark.e2e

PASSPORT = "E98765432"


@pytest.fixture(autouse=True)
def _live_server_helper() -> None:
    """Switches off pytest-django's helper of this name (see conftest.py)."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("parley-sensitive-fields"))
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


def test_an_admin_marks_a_field_sensitive_and_an_agent_sees_it_masked(
    server: LiveServer, browser: Browser, screenshot: Any
) -> None:
    admin = staff(server.url)
    admin.post(
        f"{API}/ticket-fields/", json={"key": "passport", "label": "Passport", "kind": "text"}
    ).raise_for_status()
    inbox = admin.get(f"{API}/inboxes/").json()[0]["id"]
    made = admin.post(
        f"{API}/tickets/",
        json={
            "inbox": inbox,
            "name": "王小明",
            "email": "xm@example.com",
            "subject": "Visa letter",
            "description": "Please send the letter.",
            "custom_fields": {"passport": PASSPORT},
        },
    )
    made.raise_for_status()
    ticket = made.json()
    assert ticket["custom_fields"] == {"passport": PASSPORT}  # not sensitive yet

    # Given the admin ticks Sensitive on the Ticket fields page and saves.
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="en-US")
    page = context.new_page()
    sign_in(page, server, "admin@demo.parley.test")
    page.get_by_test_id("nav-ticket-fields").click()
    row = page.get_by_test_id("field-row").filter(has_text="passport")
    row.get_by_role("button", name="Edit").click()
    form = page.get_by_test_id("field-form")
    expect(form.get_by_test_id("field-sensitive")).not_to_be_checked()
    form.get_by_test_id("field-sensitive").check()
    screenshot(page, "ticking")
    form.get_by_test_id("field-save").click()
    expect(page.get_by_test_id("field-form")).to_have_count(0)
    expect(row.get_by_test_id("field-sensitive-badge")).to_have_text("sensitive")
    screenshot(page, "marked")

    # Then the API says so, staff read the value masked, and the audit log has the change.
    [field] = admin.get(f"{API}/ticket-fields/").json()
    assert field["sensitive"] is True
    shown = admin.get(f"{API}/tickets/{ticket['id']}/").json()["custom_fields"]
    assert shown == {"passport": "*****5432"}
    audit = admin.get(f"{API}/audit/", params={"action": "ticket.custom_field_updated"}).json()
    assert audit["results"][0]["data"] == {"sensitive": True, "key": "passport"}
    context.close()

    # And an agent's ticket panel shows the value masked, nowhere in clear.
    agent = browser.new_context(viewport={"width": 1366, "height": 860}, locale="en-US").new_page()
    sign_in(agent, server)
    agent.goto(f"{server.url}/app/demo/tickets/{ticket['id']}")
    panel = agent.get_by_test_id("ticket-panel")
    expect(panel.get_by_test_id("field-passport")).to_have_value("*****5432")
    assert PASSPORT not in agent.content()
    screenshot(agent, "agent-masked")
    agent.context.close()

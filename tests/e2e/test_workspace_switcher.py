"""The console's workspace switcher in a real browser: an agent who belongs to two workspaces
sees both in the switcher, moves to the second one (its conversations only, its slug in the
URL) and back to the demo.

The server is this module's own. The second workspace, its widget inbox, its conversation and
Agent One's membership are written with `parley shell` against that server's database, through
the project's services; a conversation in the demo inbox is set up the same way so that the
demo's list is not empty.

Screenshots go to test-artifacts/test_<name>-<step>.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.e2e.conftest import LiveServer, run_cli, running_server
from tests.e2e.test_console import sign_in

pytestmark = pytest.mark.e2e

VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
AGENT1 = "agent1@demo.parley.test"
DEMO_VISITOR = "Demo Visitor"
SECOND_VISITOR = "Second Visitor"

SETUP = f"""
from parley.accounts.models import Role, User, Workspace
from parley.accounts.services import member_add, workspace_create
from parley.contacts.services import contact_create
from parley.conversations.services import Sender, conversation_start, message_send
from parley.inboxes.models import Inbox, InboxKind

def visit(inbox, name, body):
    contact = contact_create(workspace=inbox.workspace, name=name)
    conversation = conversation_start(inbox=inbox, contact=contact)
    message_send(conversation=conversation, sender=Sender.of_contact(contact), body=body)

visit(Inbox.objects.get(public_key="demo"), {DEMO_VISITOR!r}, "Hello from the demo shop.")
second = workspace_create(name="Second Shop", slug="second")
inbox = Inbox.objects.create(workspace=second, name="Second website", kind=InboxKind.WIDGET)
member = member_add(
    workspace=second, user=User.objects.get(email={AGENT1!r}), role=Role.AGENT
)
inbox.agents.add(member)
visit(inbox, {SECOND_VISITOR!r}, "Hello from the second shop.")
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("parley-e2e-workspaces")) as live:
        run_cli(live, "shell", "-c", SETUP, timeout=60)
        yield live


def test_agent_switches_between_workspaces(server: LiveServer, page: Page, screenshot: Any) -> None:
    sign_in(page, server, AGENT1)
    expect(page).to_have_url(re.compile(r"/app/demo/conversations"))

    # The switcher is shown and lists both workspaces, the demo selected.
    switcher = page.get_by_test_id("workspace")
    expect(switcher).to_be_visible()
    expect(switcher.locator("option")).to_have_text(["Demo Shop", "Second Shop"])
    expect(switcher).to_have_value("demo")
    page.get_by_test_id("tab-all").click()
    conversations = page.get_by_test_id("conversation-list")
    expect(conversations).to_contain_text(DEMO_VISITOR)
    expect(conversations).not_to_contain_text(SECOND_VISITOR)

    # Switching to the second shop: its slug in the URL, its conversation only.
    switcher.select_option(label="Second Shop")
    expect(page).to_have_url(re.compile(r"/app/second/conversations"))
    expect(switcher).to_have_value("second")
    page.get_by_test_id("tab-all").click()
    expect(conversations).to_contain_text(SECOND_VISITOR)
    expect(conversations).not_to_contain_text(DEMO_VISITOR)
    screenshot(page, "second-shop")

    # And back to the demo.
    switcher.select_option(label="Demo Shop")
    expect(page).to_have_url(re.compile(r"/app/demo/conversations"))
    expect(switcher).to_have_value("demo")
    page.get_by_test_id("tab-all").click()
    expect(conversations).to_contain_text(DEMO_VISITOR)
    expect(conversations).not_to_contain_text(SECOND_VISITOR)
    screenshot(page, "back-to-demo")

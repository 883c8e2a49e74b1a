"""Quality review and performance in a real browser: the admin scores a resolved conversation
of Agent One against the demo scorecard next to its transcript; Agent One sees the review under
My reviews and, on the Performance page, their KPI row with the CSAT rating and the QA score.

The conversation (a customer message, Agent One's reply, resolved, rated 5 stars) is written
with `parley shell` against this module's own server, through the project's services.

Screenshots go to test-artifacts/test_<name>-<step>.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from tests.e2e.conftest import LiveServer, run_cli, running_server
from tests.e2e.test_console import sign_in

pytestmark = pytest.mark.e2e

VIEWPORT: ViewportSize = {"width": 1360, "height": 860}
ADMIN = "admin@demo.parley.test"
AGENT1 = "agent1@demo.parley.test"
VISITOR = "Quality Visitor"

SETUP = f"""
from parley.accounts.models import Member
from parley.contacts.services import contact_create
from parley.conversations.services import (
    Sender, conversation_assign, conversation_set_status, conversation_start, csat_submit,
    message_send,
)
from parley.inboxes.models import Inbox

inbox = Inbox.objects.get(public_key="demo")
agent = Member.objects.get(workspace=inbox.workspace, user__email={AGENT1!r})
admin = Member.objects.get(workspace=inbox.workspace, user__email={ADMIN!r})
contact = contact_create(workspace=inbox.workspace, name={VISITOR!r})
conversation = conversation_start(inbox=inbox, contact=contact)
message_send(
    conversation=conversation, sender=Sender.of_contact(contact), body="My parcel is late."
)
conversation_assign(conversation=conversation, assignee=agent, actor=admin)
message_send(
    conversation=conversation, sender=Sender.of_member(agent), body="Sorry! It ships today."
)
conversation_set_status(conversation=conversation, status="resolved", actor=agent)
csat_submit(conversation=conversation, rating=5, comment="Quick help")
print("CONVERSATION", conversation.pk)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, int]]:
    with running_server(tmp_path_factory.mktemp("parley-e2e-quality")) as live:
        output = run_cli(live, "shell", "-c", SETUP, timeout=60)
        found = re.search(r"CONVERSATION (\d+)", output)
        assert found, output
        yield live, int(found.group(1))


def pick(criterion: Locator, option: str) -> None:
    criterion.locator("label.option").filter(has_text=re.compile(rf"^\s*{option}\s*$")).click()


def test_supervisor_scores_and_agent_sees_review_and_kpis(
    server: tuple[LiveServer, int], browser: Browser, screenshot: Any
) -> None:
    live, conversation = server

    # The admin opens Quality: the demo scorecard is there.
    admin_context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    admin = admin_context.new_page()
    sign_in(admin, live, ADMIN)
    admin.get_by_test_id("nav-quality").click()
    admin.get_by_test_id("quality-tab-scorecards").click()
    expect(admin.get_by_test_id("scorecards")).to_contain_text("Chat quality")
    screenshot(admin, "scorecards")

    # ...and reviews the conversation by its number: the transcript beside the scorecard.
    admin.get_by_test_id("review-by-number").fill(str(conversation))
    admin.get_by_test_id("review-by-number-go").click()
    expect(admin).to_have_url(re.compile(rf"/app/demo/quality/review/{conversation}$"))
    expect(admin.get_by_test_id("transcript")).to_contain_text("My parcel is late.")
    expect(admin.get_by_test_id("transcript")).to_contain_text("Sorry! It ships today.")
    criteria = admin.get_by_test_id("scoring-form").locator("fieldset")
    expect(criteria).to_have_count(5)
    # Greeting pass, Understanding 4/4, Accuracy 3/4, Tone 4/4, Privacy pass:
    # 100 × (1 + 2 + 3 × 0.75 + 2 + 2) / 10 = 92.5
    for index, option in enumerate(["Pass", "4", "3", "4", "Pass"]):
        pick(criteria.nth(index), option)
    admin.get_by_test_id("review-comment-input").fill("Clear and kind; give the tracking link.")
    expect(admin.get_by_test_id("scoring-total")).to_contain_text("92.5")
    screenshot(admin, "scoring")
    admin.get_by_test_id("review-submit").click()
    saved = admin.get_by_test_id("quality-review").get_by_test_id("review-score")
    expect(saved).to_have_text("92.5")
    screenshot(admin, "scored")
    admin_context.close()

    # Agent One sees the review, with the conversation link.
    agent_context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    agent = agent_context.new_page()
    sign_in(agent, live, AGENT1)
    expect(agent.get_by_test_id("nav-quality")).to_have_count(0)
    agent.get_by_test_id("nav-my-reviews").click()
    mine = agent.get_by_test_id("my-reviews")
    expect(mine.get_by_test_id("review-score")).to_have_text("92.5")
    expect(mine.get_by_test_id("review-comment")).to_contain_text("tracking link")
    link = mine.get_by_test_id("review-conversation")
    expect(link).to_contain_text(VISITOR)
    expect(link).to_have_attribute("href", f"/app/demo/conversations/{conversation}")
    screenshot(agent, "my-reviews")

    # The Performance page: their own KPI row with CSAT 5 and QA 92.5, and their place.
    agent.get_by_test_id("nav-performance").click()
    table = agent.get_by_test_id("kpi-table")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Agent One")
    expect(rows.first.get_by_test_id("kpi-handled")).to_contain_text("1")
    expect(rows.first.get_by_test_id("kpi-csat")).to_contain_text("5")
    expect(rows.first.get_by_test_id("kpi-csat")).to_contain_text("100%")
    expect(rows.first.get_by_test_id("kpi-qa")).to_contain_text("92.5")
    expect(agent.get_by_test_id("leaderboard-own")).to_contain_text("number 1 of 1")
    expect(agent.get_by_test_id("csat-breakdown")).to_contain_text("Agent One")
    screenshot(agent, "performance")
    agent_context.close()


def test_supervisor_sees_every_agent_on_the_performance_page(
    server: tuple[LiveServer, int], page: Page, screenshot: Any
) -> None:
    live, _ = server
    sign_in(page, live, ADMIN)
    page.get_by_test_id("nav-performance").click()
    table = page.get_by_test_id("kpi-table")
    expect(table).to_contain_text("Agent One")
    expect(table).to_contain_text("Agent Two")
    page.get_by_test_id("kpi-by-team").click()
    expect(table).to_contain_text("Consulting")
    expect(page.get_by_test_id("leaderboard")).to_contain_text("Agent One")
    page.get_by_test_id("csat-group-inbox").click()
    expect(page.get_by_test_id("csat-breakdown")).to_contain_text("Website")
    screenshot(page, "supervisor")


def test_the_pages_speak_chinese(
    server: tuple[LiveServer, int], page: Page, screenshot: Any
) -> None:
    live, _ = server
    sign_in(page, live, ADMIN)
    page.get_by_test_id("locale").select_option("zh-CN")
    page.get_by_test_id("nav-performance").click()
    expect(page.get_by_role("heading", name="绩效")).to_be_visible()
    expect(page.get_by_test_id("kpi-table")).to_contain_text("首次响应")
    expect(page.get_by_test_id("leaderboard")).to_contain_text("排行榜")
    screenshot(page, "performance-zh")
    page.get_by_test_id("nav-quality").click()
    page.get_by_test_id("quality-tab-reviews").click()
    expect(page.get_by_test_id("quality")).to_contain_text("质检记录")
    screenshot(page, "quality-zh")

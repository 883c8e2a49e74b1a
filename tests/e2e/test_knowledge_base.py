"""The knowledge base end to end in a real browser: an admin writes and publishes an article in
the console, the public help center shows it, and the widget's help search finds it for a
visitor asking in Chinese."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import LiveServer
from tests.e2e.test_console import VIEWPORT, sign_in

pytestmark = pytest.mark.e2e

ADMIN = "admin@demo.parley.test"
WIDGET = "parley-widget"  # Playwright's CSS locators pierce its open shadow root
TITLE = "如何开具电子发票"
BODY = (
    "<p>订单完成后，在“我的订单”中点击<strong>申请发票</strong>，"
    "电子发票会在 1 个工作日内发送到您的邮箱。</p><script>alert('x')</script>"
)


def test_an_article_published_in_the_console_is_in_the_help_center_and_the_widget(
    live_server: LiveServer, browser: Any, screenshot: Any
) -> None:
    from playwright.sync_api import expect

    # Given an admin in the console's Knowledge base page
    console = browser.new_context(viewport=VIEWPORT, locale="en-US")
    page = console.new_page()
    sign_in(page, live_server, ADMIN)
    page.get_by_test_id("nav-kb").click()
    expect(page.get_by_role("heading", name="Knowledge base")).to_be_visible()
    # the demo's articles are listed
    expect(page.get_by_test_id("kb-articles")).to_contain_text("退款多久到账")

    # When they write an article (with a script that must not survive) and save it
    page.get_by_test_id("kb-new-article").click()
    page.get_by_test_id("kb-title").fill(TITLE)
    page.get_by_test_id("kb-locale").select_option("zh-CN")
    page.get_by_test_id("kb-category").fill("发票")
    page.get_by_test_id("kb-body").fill(BODY)
    page.get_by_test_id("kb-save").click()

    # Then the preview shows the body as saved: the text kept, the script gone
    preview = page.get_by_test_id("kb-preview")
    expect(preview).to_contain_text("申请发票")
    assert "<script" not in preview.inner_html()
    expect(page.get_by_test_id("kb-status")).to_have_text("Draft")
    expect(page.get_by_test_id("kb-versions")).to_contain_text("v1")

    # When they publish it
    page.get_by_test_id("kb-publish").click()
    expect(page.get_by_test_id("kb-status")).to_have_text("Published")
    expect(page.get_by_test_id("kb-articles")).to_contain_text(TITLE)
    screenshot(page, "console-editor")
    console.close()

    # Then the public help center lists it (in Chinese for a Chinese browser) and serves it
    visitor = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    help_page = visitor.new_page()
    help_page.goto(f"{live_server.url}/help/demo/")
    expect(help_page).to_have_title(re.compile("帮助中心"))
    expect(help_page.get_by_role("heading", name="发票")).to_be_visible()
    screenshot(help_page, "help-center-home")
    help_page.get_by_role("link", name=TITLE).first.click()
    expect(help_page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(help_page.locator("article.body strong")).to_have_text("申请发票")
    screenshot(help_page, "help-center-article")

    # And its search finds it for a question in other words
    help_page.get_by_label("搜索帮助中心").fill("怎么开发票")
    help_page.get_by_label("搜索帮助中心").press("Enter")
    expect(help_page.locator("#results")).to_contain_text(TITLE)

    # And the widget's help search, before any chat, finds it and links to the help center
    widget = visitor.new_page()
    widget.goto(f"{live_server.url}/demo/")
    widget.locator(f"{WIDGET} .launcher").click()
    search = widget.locator(f"{WIDGET} .help-q")
    expect(search).to_be_visible()
    search.fill("怎么开发票")
    hit = widget.locator(f"{WIDGET} .help-results a", has_text=TITLE)
    expect(hit).to_be_visible()
    assert re.search(r"/help/demo/articles/[^/]+/\?lang=zh-CN$", hit.get_attribute("href") or "")
    screenshot(widget, "widget-help-search")

    # Once the visitor starts a conversation, the help search gives way to the chat
    box = widget.locator(f"{WIDGET} textarea")
    if box.is_visible():
        box.fill("你好")
        box.press("Enter")
        expect(widget.locator(f"{WIDGET} .help")).to_be_hidden()
    visitor.close()


def test_versions_faqs_and_synonyms_in_the_console_and_agents_only_read(
    live_server: LiveServer, browser: Any, screenshot: Any
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the restore's confirmation
    sign_in(page, live_server, ADMIN)
    page.get_by_test_id("nav-kb").click()

    # An edit of the title is a new version; restoring the first brings the old title back.
    page.get_by_test_id("kb-filter-locale").select_option("en")
    page.get_by_role("button", name="I forgot my password").click()
    page.get_by_test_id("kb-title").fill("Forgot your password?")
    page.get_by_test_id("kb-save").click()
    versions = page.get_by_test_id("kb-versions")
    expect(versions.locator("li")).to_have_count(2)
    versions.locator("li").last.get_by_role("button", name="Restore").click()
    expect(page.get_by_test_id("kb-title")).to_have_value("I forgot my password")
    expect(versions.locator("li")).to_have_count(3)
    screenshot(page, "versions")

    # An FAQ with two more ways to ask it.
    page.get_by_test_id("kb-tab-faqs").click()
    page.get_by_test_id("kb-new-faq").click()
    page.get_by_test_id("kb-faq-question").fill("Do you ship abroad?")
    page.get_by_test_id("kb-faq-paraphrases").fill("international delivery\nship to Canada")
    page.get_by_test_id("kb-faq-answer").fill("Yes, to 30 countries.")
    page.get_by_test_id("kb-faq-save").click()
    row = page.get_by_test_id("kb-faqs").locator("tr", has_text="Do you ship abroad?")
    expect(row).to_contain_text("2")
    screenshot(page, "faqs")

    # A synonym.
    page.get_by_test_id("kb-tab-synonyms").click()
    page.get_by_role("button", name="New synonym").click()
    form = page.get_by_test_id("kb-synonym-form")
    form.get_by_label("Term").fill("invoice")
    form.get_by_label("Same as").fill("receipt, bill")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("kb-synonyms")).to_contain_text("receipt, bill")
    context.close()

    # An agent reads the knowledge base but is offered no way to change it.
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    page = context.new_page()
    sign_in(page, live_server)
    page.get_by_test_id("nav-kb").click()
    expect(page.get_by_test_id("kb-articles")).to_contain_text("退款多久到账")
    expect(page.get_by_text("supervisors and admins change it")).to_be_visible()
    expect(page.get_by_test_id("kb-new-article")).to_have_count(0)
    screenshot(page, "agent")
    context.close()

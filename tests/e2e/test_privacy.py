"""Privacy in a real browser: an admin requires consent on the compliance page; a visitor sees
the notice in the widget, cannot chat until they accept, accepts and chats; the admin sees the
consent counted, runs retention, exports and erases the contact."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import LiveServer, running_server
from tests.e2e.test_console import VIEWPORT, sign_in

pytestmark = pytest.mark.e2e

ADMIN = "admin@demo.parley.test"
WIDGET = "parley-widget"
NOTICE_EN = "We keep your chat for 90 days to answer you. You can ask us to delete it."
NOTICE_ZH = "我们将保存您的聊天记录 90 天，用于答复您。您可以要求删除。"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("parley-privacy")) as live:
        yield live


def admin_page(browser: Any, server: LiveServer, locale: str = "en-US") -> Any:
    context = browser.new_context(viewport=VIEWPORT, locale=locale)
    page = context.new_page()
    sign_in(page, server, ADMIN)
    return page


def test_consent_in_the_widget_and_the_compliance_page(
    server: LiveServer, browser: Any, screenshot: Any
) -> None:
    from playwright.sync_api import expect

    # The admin writes the notice and requires consent.
    admin = admin_page(browser, server)
    admin.get_by_test_id("nav-compliance").click()
    expect(admin.get_by_test_id("compliance-summary")).to_be_visible()
    admin.get_by_test_id("notice-en").fill(NOTICE_EN)
    admin.get_by_test_id("notice-zh").fill(NOTICE_ZH)
    admin.get_by_test_id("consent-required").check()
    admin.get_by_test_id("new-version").check()
    admin.get_by_test_id("conversation-days").fill("90")
    admin.get_by_test_id("privacy-save").click()
    expect(admin.get_by_test_id("compliance-status")).to_have_text("Settings saved.")
    expect(admin.get_by_test_id("notice-version")).to_have_text("v2")

    # A visitor sees the notice instead of the message box.
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    visitor = context.new_page()
    visitor.goto(f"{server.url}/demo/")
    visitor.locator(f"{WIDGET} .launcher").click()
    consent = visitor.locator(f"{WIDGET} .consent")
    expect(consent).to_contain_text(NOTICE_EN)
    expect(visitor.locator(f"{WIDGET} textarea")).to_have_count(0)
    screenshot(visitor, "widget-notice")

    # Declining keeps the chat closed; the server refuses a conversation all the same.
    consent.get_by_role("button", name="Decline").click()
    expect(consent).to_contain_text("We can only chat once you accept")
    token = json.loads(visitor.evaluate("localStorage.getItem('parley:demo:token')"))
    assert token, "the widget stores its session token"
    refused = httpx.post(
        f"{server.url}/api/widget/v1/messages",
        json={"client_id": "8a1f2c3d-0000-4000-8000-000000000001", "body": "let me in"},
        headers={"Origin": server.url, "Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 403 and refused.json()["code"] == "consent_required"
    screenshot(visitor, "widget-declined")

    # Accepting opens the chat; the message is stored.
    consent.get_by_role("button", name="Accept and chat").click()
    box = visitor.locator(f"{WIDGET} textarea")
    expect(box).to_be_visible()
    box.fill("Hello, my order 4411 has not arrived")
    box.press("Enter")
    expect(visitor.locator(f"{WIDGET} .msg.own[data-seq]")).to_have_count(1)
    contact = int(
        visitor.evaluate("JSON.parse(localStorage.getItem('parley:demo:state')).contactId")
    )
    screenshot(visitor, "widget-chatting")

    # The compliance page counts the consent; the admin exports and erases the contact.
    admin.reload()
    expect(admin.get_by_test_id("consents-accepted")).to_have_text("1")
    admin.get_by_test_id("retention-run").click()
    expect(admin.get_by_test_id("retention-run-row")).to_have_count(1)
    admin.get_by_test_id("subject-contact").fill(str(contact))
    with admin.expect_download() as download:
        admin.get_by_test_id("subject-export").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    document = json.loads(archive.read("contact.json"))
    assert document["contact"]["id"] == contact
    assert document["consents"][-1]["accepted"] is True
    bodies = [m["body"] for c in document["conversations"] for m in c["messages"]]
    assert "Hello, my order 4411 has not arrived" in bodies

    admin.once("dialog", lambda dialog: dialog.accept())
    admin.get_by_test_id("subject-erase").click()
    expect(admin.get_by_test_id("compliance-status")).to_contain_text(f"Contact #{contact} erased")
    expect(admin.get_by_test_id("privacy-request")).to_have_count(2)
    admin.set_viewport_size({"width": 1280, "height": 1500})
    admin.get_by_test_id("compliance").evaluate("el => el.scrollTo(0, 0)")
    screenshot(admin, "compliance-page")

    # The same page in Chinese.
    admin.evaluate("localStorage.setItem('parley.console.locale', 'zh-CN')")
    admin.reload()
    expect(admin.get_by_role("heading", name="隐私与合规")).to_be_visible()
    expect(admin.get_by_test_id("privacy-save")).to_have_text("保存设置")
    screenshot(admin, "compliance-page-zh")

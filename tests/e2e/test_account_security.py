"""Account security in a real browser: turn on two-factor with a code computed here, sign in
again with password and code, see the sessions list and log another browser out; an admin
requires two-factor and a member is sent to enrol. Own server: the demo users it changes must
stay as the README says for every other browser test."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest

from tests.e2e.conftest import DEMO_PASSWORD, LiveServer, running_server

pytestmark = pytest.mark.e2e

AGENT2 = "agent2@demo.parley.test"
ADMIN = "admin@demo.parley.test"
AGENT1 = "agent1@demo.parley.test"
VIEWPORT = {"width": 1280, "height": 860}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("parley-account-security")) as live:
        yield live


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport=VIEWPORT, locale="en-US", user_agent=None)
    yield ctx
    ctx.close()


def sign_in_with_password(page: Any, server: LiveServer, email: str) -> None:
    page.goto(f"{server.url}/app/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def enrol_in_console(page: Any, screenshot: Any, name: str) -> pyotp.TOTP:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Set up two-factor").click()
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    expect(page.locator(".qr svg")).to_be_visible()
    screenshot(page, f"{name}-qr")
    app = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill(app.now())
    page.get_by_role("button", name="Turn on").click()
    codes = page.get_by_test_id("recovery-codes").locator("code")
    expect(codes).to_have_count(10)
    screenshot(page, f"{name}-recovery-codes")
    page.get_by_role("button", name="I have saved them").click()
    expect(page.get_by_test_id("two-factor")).to_contain_text("On")
    return app


def test_enrol_two_factor_sign_in_with_a_code_and_log_another_session_out(
    server: LiveServer, browser: Any, context: Any, screenshot: Any
) -> None:
    from playwright.sync_api import expect

    # Another browser (a phone, say) signed in to the same account.
    other = browser.new_context(user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Safari/605")
    other_page = other.new_page()
    sign_in_with_password(other_page, server, AGENT2)
    other_page.get_by_role("tablist").wait_for()

    page = context.new_page()
    sign_in_with_password(page, server, AGENT2)
    page.get_by_role("tablist").wait_for()
    page.get_by_test_id("nav-account").click()
    expect(page.get_by_role("heading", name="Account security")).to_be_visible()

    app = enrol_in_console(page, screenshot, "enrol")

    # Sign out and in again: the password is not enough any more.
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/app/login"))
    sign_in_with_password(page, server, AGENT2)
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    assert page.request.get(f"{server.url}/api/v1/auth/me").status == 401  # half-logged-in
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    screenshot(page, "code-step")
    # The next 30-second step's code: the enrolment used this step's, and a code works once.
    page.get_by_label("Code").fill(app.at(time.time() + 30))
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("tablist").wait_for()

    # The sessions list: this browser marked, the phone listed; log the phone out.
    page.get_by_test_id("nav-account").click()
    rows = page.get_by_test_id("session-row")
    expect(rows).to_have_count(2)
    expect(page.locator("[data-current=true]")).to_contain_text("This browser")
    phone = page.locator("[data-current=false]")
    expect(phone).to_contain_text("Safari · iOS")
    screenshot(page, "sessions")
    phone.get_by_role("button", name="Log out").click()
    expect(rows).to_have_count(1)
    assert other_page.request.get(f"{server.url}/api/v1/auth/me").status == 401
    assert page.request.get(f"{server.url}/api/v1/auth/me").status == 200
    other_page.reload()
    expect(other_page).to_have_url(re.compile(r"/app/login"))
    other.close()


def test_a_workspace_that_requires_two_factor_sends_a_member_to_enrol(
    server: LiveServer, browser: Any, context: Any, screenshot: Any
) -> None:
    from playwright.sync_api import expect

    admin = context.new_page()
    sign_in_with_password(admin, server, ADMIN)
    admin.get_by_role("tablist").wait_for()
    admin.get_by_test_id("nav-account").click()
    enrol_in_console(admin, screenshot, "admin")
    admin.get_by_test_id("require-2fa-demo").check()
    expect(admin.get_by_test_id("require-2fa-demo")).to_be_checked()
    screenshot(admin, "workspace-requires")

    member_context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    member = member_context.new_page()
    member.goto(f"{server.url}/app/login")
    member.get_by_label("邮箱").fill(AGENT1)
    member.get_by_label("密码").fill(DEMO_PASSWORD)
    member.get_by_role("button", name="登录", exact=True).click()
    expect(member.get_by_test_id("two-factor-required")).to_contain_text("要求启用两步验证")
    expect(member).to_have_url(re.compile(r"/app/account\?required=demo"))
    refused = member.request.get(f"{server.url}/api/v1/workspaces/demo/conversations/")
    assert refused.status == 403 and refused.json()["code"] == "two_factor_required"
    screenshot(member, "sent-to-enrol-zh")
    member.get_by_role("button", name="设置两步验证").click()
    secret = member.get_by_test_id("totp-secret").inner_text().strip()
    member.get_by_label("应用中的验证码").fill(pyotp.TOTP(secret).now())
    member.get_by_role("button", name="开启").click()
    expect(member.get_by_test_id("recovery-codes").locator("code")).to_have_count(10)
    member.get_by_role("button", name="我已保存").click()
    # Enrolled: the workspace opens.
    member.get_by_test_id("continue-to-workspace").click()
    expect(member).to_have_url(re.compile(r"/app/demo/conversations"))
    member.get_by_role("tablist").wait_for()
    member_context.close()

    # Put the demo back as it was for anything else on this server.
    admin.get_by_test_id("require-2fa-demo").uncheck()
    expect(admin.get_by_test_id("require-2fa-demo")).not_to_be_checked()


def test_forgotten_password_reset_by_email_and_a_lockout_message(
    tmp_path_factory: pytest.TempPathFactory, context: Any, screenshot: Any
) -> None:
    from playwright.sync_api import expect

    from tests.mail import running_smtp_server

    with (
        running_smtp_server() as (mailbox, port),
        running_server(
            tmp_path_factory.mktemp("parley-reset"),
            {
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(port),
                "PARLEY_AUTH_EMAILS": "1",
                "PARLEY_LOGIN_MAX_FAILURES": "3",
            },
        ) as live,
    ):
        page = context.new_page()
        page.goto(f"{live.url}/app/login")
        page.get_by_role("link", name="Forgot your password?").click()
        # The page's chunk loads lazily: fill the form only once it is the one shown, not
        # the sign-in form still on screen.
        expect(page.get_by_role("button", name="Send the link")).to_be_visible()
        page.get_by_label("E-mail").fill(AGENT1)
        page.get_by_role("button", name="Send the link").click()
        expect(page.get_by_test_id("reset-sent")).to_be_visible(timeout=20000)
        deadline = time.monotonic() + 10
        while not mailbox.received and time.monotonic() < deadline:
            time.sleep(0.1)
        assert mailbox.received, "no reset e-mail arrived"
        link = re.search(r"http://\S+/app/reset-password#\S+", mailbox.received[0].text())
        assert link is not None

        page.goto(link.group(0))
        page.get_by_label("New password", exact=True).fill("12345678901")
        page.get_by_label("Repeat the new password").fill("12345678901")
        page.get_by_role("button", name="Save the new password").click()
        expect(page.get_by_role("alert")).to_contain_text("cannot be only digits")
        screenshot(page, "reset-rules")
        page.get_by_label("New password", exact=True).fill("violet kettle orbit 42")
        page.get_by_label("Repeat the new password").fill("violet kettle orbit 42")
        page.get_by_role("button", name="Save the new password").click()
        expect(page.get_by_test_id("reset-done")).to_be_visible()
        assert "token=" not in page.url  # dropped from the address bar
        page.goto(f"{live.url}/app/login")
        page.goto(link.group(0))  # a fresh load of the page, not a jump within it
        expect(page.get_by_test_id("reset-invalid")).to_be_visible()  # used once

        # The old password is refused; three wrong ones lock the account, with a time.
        page.goto(f"{live.url}/app/login")
        for _ in range(3):
            page.get_by_label("E-mail").fill(AGENT1)
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("alert")).to_be_visible()
        expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-in attempts")
        screenshot(page, "locked")

"""Password reset by e-mail: the same answer for every address, the e-mail (through a real
local SMTP server) in the user's language, and a link that works once and not for long."""

from __future__ import annotations

import logging
import re

import pytest
from django.contrib.auth.tokens import default_token_generator

from parley.accounts.auth import lockout
from parley.accounts.models import AuditEvent, User
from tests.accounts.conftest import Browser
from tests.factories import PASSWORD

NEW = "violet kettle orbit 42"
LINK = re.compile(r"https://help\.parley\.test/app/reset-password#uid=([\w-]+)&token=([\w-]+)")


@pytest.fixture
def mail(smtp_server, settings, django_capture_on_commit_callbacks):
    settings.PARLEY_AUTH_EMAILS = True
    return smtp_server


def ask(web: Browser, email: str, **extra):
    return web.send("/api/v1/auth/password-reset", {"email": email, **extra})


def link_in(text: str) -> tuple[str, str]:
    match = LINK.search(text)
    assert match, text
    return match.group(1), match.group(2)


def test_the_answer_is_the_same_whether_the_address_has_an_account_or_not(
    world, web, mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = ask(web, world.agent.user.email.upper())
        unknown = ask(web, "nobody@example.test")

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert [m.envelope_to for m in mail.received] == [[world.agent.user.email]]


def test_the_email_carries_a_single_use_link_that_resets_and_ends_every_session(
    world, web, mail, make_browser, django_capture_on_commit_callbacks
):
    signed_in = make_browser()
    assert signed_in.login_password(world.agent.user.email).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        ask(web, world.agent.user.email)
    received = mail.received[0]
    assert received.message["Subject"] == "Reset your Parley password"
    uid, token = link_in(received.text())
    assert token in received.html()

    assert (
        web.send("/api/v1/auth/password-reset/check", {"uid": uid, "token": token}).status_code
        == 204
    )
    weak = web.send(
        "/api/v1/auth/password-reset/confirm", {"uid": uid, "token": token, "new_password": "123"}
    )
    assert weak.status_code == 400 and weak.json()["code"] == "password_rejected"
    done = web.send(
        "/api/v1/auth/password-reset/confirm", {"uid": uid, "token": token, "new_password": NEW}
    )

    assert done.status_code == 204
    assert User.objects.get(pk=world.agent.user.pk).check_password(NEW)
    assert signed_in.get("/api/v1/auth/me").status_code == 401
    assert web.get("/api/v1/auth/me").status_code == 401  # a reset does not log anyone in
    used = web.send(
        "/api/v1/auth/password-reset/confirm",
        {"uid": uid, "token": token, "new_password": "another fine passphrase"},
    )
    assert used.status_code == 400 and used.json()["code"] == "reset_link_invalid"
    assert User.objects.get(pk=world.agent.user.pk).check_password(NEW)
    assert AuditEvent.objects.filter(action="auth.password_reset", actor=world.agent).exists()


def test_an_expired_or_forged_link_is_refused(world, web, settings):
    user = world.agent.user
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is already too old

    expired = web.send(
        "/api/v1/auth/password-reset/confirm", {"uid": uid, "token": token, "new_password": NEW}
    )
    settings.PASSWORD_RESET_TIMEOUT = 3600
    forged = web.send(
        "/api/v1/auth/password-reset/confirm",
        {"uid": uid, "token": token[:-2] + "xx", "new_password": NEW},
    )
    other_user = web.send(
        "/api/v1/auth/password-reset/confirm",
        {"uid": urlsafe_base64_encode(b"999999"), "token": token, "new_password": NEW},
    )

    for response in (expired, forged, other_user):
        assert response.status_code == 400 and response.json()["code"] == "reset_link_invalid"
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_the_email_is_in_the_users_language(world, web, mail, django_capture_on_commit_callbacks):
    User.objects.filter(pk=world.agent.user.pk).update(locale="zh-CN")
    with django_capture_on_commit_callbacks(execute=True):
        ask(web, world.agent.user.email, locale="en")  # the user's own choice wins

    message = mail.received[0]
    assert message.message["Subject"] == "重置您的 Parley 密码"
    assert "请打开以下链接设置新密码" in message.text()


def test_without_a_known_language_the_requesters_is_used(
    world, web, mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(web, world.agent.user.email, locale="zh-CN")
    assert mail.received[0].message["Subject"] == "重置您的 Parley 密码"


def test_logging_in_from_the_console_remembers_the_language(world, web):
    web.login_password(world.agent.user.email, locale="zh-CN")
    assert User.objects.get(pk=world.agent.user.pk).locale == "zh-CN"


def test_requests_are_rate_limited_per_address_and_per_client(
    world, web, mail, settings, throttle_rates, django_capture_on_commit_callbacks
):
    settings.PARLEY_PASSWORD_RESET_PER_HOUR = 2
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [ask(web, world.agent.user.email).status_code for _ in range(3)]
    assert statuses == [202, 202, 202]  # the same answer, but only two e-mails
    assert len(mail.received) == 2

    throttle_rates(password_reset="2/hour")
    client = Browser(REMOTE_ADDR="192.0.2.9")
    statuses = [ask(client, f"x{n}@example.test").status_code for n in range(3)]
    assert statuses == [202, 202, 429]


def test_a_reset_lifts_a_lockout(world, web, settings):
    settings.PARLEY_LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        web.login_password(world.agent.user.email, "wrong")
    assert web.login_password(world.agent.user.email).status_code == 429
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(world.agent.user.pk))
    token = default_token_generator.make_token(world.agent.user)
    web.send(
        "/api/v1/auth/password-reset/confirm", {"uid": uid, "token": token, "new_password": NEW}
    )

    assert web.login_password(world.agent.user.email, NEW).status_code == 200
    lockout.login_succeeded(email=world.agent.user.email)


def test_no_password_reset_link_or_password_reaches_the_logs(
    world, web, mail, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        ask(web, world.agent.user.email)
    uid, token = link_in(mail.received[0].text())
    web.send(
        "/api/v1/auth/password-reset/confirm", {"uid": uid, "token": token, "new_password": NEW}
    )
    web.login_password(world.agent.user.email, NEW)
    web.login_password(world.agent.user.email, "a wrong one")

    # "mail.log" is the test's own SMTP server (aiosmtpd) reading the message it received.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    assert "auth.password_reset" in logged  # something was logged, just not secrets
    for secret in (token, NEW, "a wrong one", world.agent.user.email):
        assert secret not in logged

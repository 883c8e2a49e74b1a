"""TOTP two-factor: enrolment, the second login step, recovery codes, replay, disabling, and a
workspace that requires it."""

from __future__ import annotations

import time

import pyotp
import pytest
from rest_framework.test import APIClient

from parley.accounts.auth import totp
from parley.accounts.models import AuditEvent, RecoveryCode, TwoFactorDevice
from tests.accounts.conftest import Browser, enrol
from tests.factories import PASSWORD


@pytest.fixture
def logged_in(world, web):
    assert web.login_password(world.agent.user.email).status_code == 200
    return web


def test_enrolment_shows_the_secret_once_as_qr_and_text_and_needs_a_code(world, logged_in):
    setup = logged_in.send("/api/v1/auth/two-factor/setup").json()

    assert setup["qr_svg"].startswith("<svg") and "<script" not in setup["qr_svg"]
    assert setup["otpauth_uri"].startswith("otpauth://totp/Parley:")
    assert f"secret={setup['secret']}" in setup["otpauth_uri"]
    status = logged_in.get("/api/v1/auth/two-factor").json()
    assert status == {"enabled": False, "recovery_codes_left": 0}
    assert setup["secret"] not in logged_in.get("/api/v1/auth/two-factor").content.decode()

    wrong = logged_in.send("/api/v1/auth/two-factor/confirm", {"code": "000000"})
    assert wrong.status_code == 400 and wrong.json()["code"] == "two_factor_invalid_code"
    assert not totp.two_factor_enabled(world.agent.user)

    code = pyotp.TOTP(setup["secret"]).now()
    confirmed = logged_in.send("/api/v1/auth/two-factor/confirm", {"code": code}).json()

    assert len(confirmed["recovery_codes"]) == 10 and len(set(confirmed["recovery_codes"])) == 10
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert not stored & set(confirmed["recovery_codes"])
    assert logged_in.get("/api/v1/auth/two-factor").json() == {
        "enabled": True,
        "recovery_codes_left": 10,
    }
    assert logged_in.get("/api/v1/auth/me").json()["user"]["two_factor_enabled"] is True
    again = logged_in.send("/api/v1/auth/two-factor/setup")
    assert again.status_code == 409 and again.json()["code"] == "two_factor_state"
    assert AuditEvent.objects.filter(action="auth.two_factor_enabled", actor=world.agent).exists()


def test_login_then_asks_for_the_code_and_the_half_logged_in_session_reaches_nothing(
    world, logged_in, make_browser, monkeypatch
):
    app, _ = enrol(logged_in)
    web = make_browser()

    step = web.login_password(world.agent.user.email)

    assert step.status_code == 200
    assert step.json() == {"two_factor_required": True, "expires_in": 300}
    assert web.get("/api/v1/auth/me").status_code == 401
    assert web.get(f"/api/v1/workspaces/{world.workspace.slug}/conversations/").status_code == 401
    assert web.get("/api/v1/auth/sessions").status_code == 401
    assert web.send("/api/v1/auth/two-factor/setup").status_code == 401

    later = time.time() + 30  # a step the enrolment's code did not use
    monkeypatch.setattr(totp, "clock", lambda: later)
    done = web.login_code(app.at(later))

    assert done.status_code == 200
    assert done.json()["user"]["email"] == world.agent.user.email
    assert web.get("/api/v1/auth/me").status_code == 200


def test_the_same_code_is_refused_the_second_time(world, logged_in, make_browser, monkeypatch):
    app, _ = enrol(logged_in)
    later = time.time() + 30
    monkeypatch.setattr(totp, "clock", lambda: later)
    code = app.at(later)
    first = make_browser()
    first.login_password(world.agent.user.email)
    assert first.login_code(code).status_code == 200

    replay = make_browser()
    replay.login_password(world.agent.user.email)
    refused = replay.login_code(code)

    assert refused.status_code == 400 and refused.json()["code"] == "two_factor_invalid_code"
    assert replay.get("/api/v1/auth/me").status_code == 401


def test_a_code_from_the_previous_step_or_earlier_than_the_last_accepted_is_refused(world):
    device = TwoFactorDevice.objects.create(user=world.agent.user, secret=pyotp.random_base32())
    app = pyotp.TOTP(device.secret)
    now = time.time()

    assert totp.totp_verify(device=device, code=app.at(now), now=now)
    assert not totp.totp_verify(device=device, code=app.at(now - 30), now=now)  # older step
    assert totp.totp_verify(device=device, code=app.at(now + 30), now=now)  # clock drift
    assert not totp.totp_verify(device=device, code=app.at(now - 90), now=now)  # too old
    assert not totp.totp_verify(device=device, code="12345", now=now)


def test_a_recovery_code_works_once(world, logged_in, make_browser):
    _, codes = enrol(logged_in)
    web = make_browser()
    web.login_password(world.agent.user.email)

    assert web.login_code(codes[0].upper()).status_code == 200

    again = make_browser()
    again.login_password(world.agent.user.email)
    assert again.login_code(codes[0]).status_code == 400
    assert logged_in.get("/api/v1/auth/two-factor").json()["recovery_codes_left"] == 9


def test_the_pending_login_expires(world, logged_in, make_browser, settings):
    app, _ = enrol(logged_in)
    settings.PARLEY_TWO_FACTOR_PENDING = 1
    web = make_browser()
    web.login_password(world.agent.user.email)
    time.sleep(1.1)

    response = web.login_code(app.now())

    assert response.status_code == 401 and response.json()["code"] == "two_factor_expired"
    assert web.get("/api/v1/auth/me").status_code == 401


def test_a_code_step_without_a_password_step_is_refused(world, web):
    response = web.login_code("123456")
    assert response.status_code == 401 and response.json()["code"] == "two_factor_expired"


def test_guessing_codes_counts_towards_the_lockout(world, logged_in, make_browser, settings):
    enrol(logged_in)
    settings.PARLEY_LOGIN_MAX_FAILURES = 3
    web = make_browser()
    web.login_password(world.agent.user.email)

    statuses = [web.login_code(f"{n:06d}").status_code for n in range(3)]

    assert statuses == [400, 400, 429]
    assert make_browser().login_password(world.agent.user.email).status_code == 429


def test_disabling_needs_the_password_and_a_code(world, logged_in):
    _, codes = enrol(logged_in)

    no_password = logged_in.send(
        "/api/v1/auth/two-factor/disable", {"password": "nope", "code": codes[1]}
    )
    no_code = logged_in.send("/api/v1/auth/two-factor/disable", {"password": PASSWORD, "code": "1"})

    assert no_password.status_code == 400 and no_password.json()["code"] == "invalid_credentials"
    assert no_code.status_code == 400 and no_code.json()["code"] == "two_factor_invalid_code"
    assert totp.two_factor_enabled(world.agent.user)

    done = logged_in.send(
        "/api/v1/auth/two-factor/disable", {"password": PASSWORD, "code": codes[1]}
    )

    assert done.status_code == 204
    assert not TwoFactorDevice.objects.exists() and not RecoveryCode.objects.exists()
    assert AuditEvent.objects.filter(action="auth.two_factor_disabled").count() == 1


def test_new_recovery_codes_replace_the_old_ones(world, logged_in):
    _, old = enrol(logged_in)

    fresh = logged_in.send(
        "/api/v1/auth/two-factor/recovery-codes", {"password": PASSWORD, "code": old[0]}
    ).json()["recovery_codes"]

    assert len(fresh) == 10 and not set(fresh) & set(old)
    assert not totp.recovery_code_use(user=world.agent.user, code=old[2])
    assert totp.recovery_code_use(user=world.agent.user, code=fresh[2])


# --- a workspace that requires two-factor ---------------------------------------------------


def admin_browser(world) -> Browser:
    web = Browser()
    assert web.login_password(world.admin.user.email).status_code == 200
    return web


def test_an_admin_requires_two_factor_and_members_without_it_are_sent_to_enrol(world, logged_in):
    admin = admin_browser(world)
    url = f"/api/v1/workspaces/{world.workspace.slug}/security/"
    refused = admin.send(url, {"require_two_factor": True}, method="patch")
    assert refused.status_code == 409  # the admin must have it first
    enrol(admin)

    changed = admin.send(url, {"require_two_factor": True}, method="patch")

    assert changed.status_code == 200 and changed.json() == {"require_two_factor": True}
    assert AuditEvent.objects.filter(
        action="workspace.security_changed", actor=world.admin, data={"require_two_factor": True}
    ).exists()
    blocked = logged_in.get(f"/api/v1/workspaces/{world.workspace.slug}/conversations/")
    assert blocked.status_code == 403 and blocked.json()["code"] == "two_factor_required"
    me = logged_in.get("/api/v1/auth/me").json()
    assert me["memberships"][0]["workspace"]["require_two_factor"] is True
    assert me["user"]["two_factor_enabled"] is False
    assert admin.get(f"/api/v1/workspaces/{world.workspace.slug}/conversations/").status_code == 200

    enrol(logged_in)

    assert (
        logged_in.get(f"/api/v1/workspaces/{world.workspace.slug}/conversations/").status_code
        == 200
    )


def test_agents_and_supervisors_cannot_change_the_setting(world):
    for member in (world.agent, world.supervisor):
        client = APIClient()
        client.force_authenticate(member.user)
        response = client.patch(
            f"/api/v1/workspaces/{world.workspace.slug}/security/",
            {"require_two_factor": False},
            format="json",
        )
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
        empty = client.patch(f"/api/v1/workspaces/{world.workspace.slug}/security/", {})
        assert empty.status_code == 403  # the role is checked before the input


def test_an_admin_cannot_change_another_workspace(world, other_world):
    client = APIClient()
    client.force_authenticate(world.admin.user)
    response = client.patch(
        f"/api/v1/workspaces/{other_world.workspace.slug}/security/",
        {"require_two_factor": True},
        format="json",
    )
    assert response.status_code == 404
    other_world.workspace.refresh_from_db()
    assert other_world.workspace.require_two_factor is False


def test_api_tokens_are_not_blocked_by_the_requirement(world):
    world.workspace.require_two_factor = True
    world.workspace.save()
    from parley.accounts.services import api_token_issue

    key = api_token_issue(member=world.agent, name="crm").key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert (
        client.get(f"/api/v1/workspaces/{world.workspace.slug}/conversations/").status_code == 200
    )

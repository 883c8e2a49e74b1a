"""Brute force against the login: lockout per account and per client address, its message,
and that it tells nobody whether an account exists."""

from __future__ import annotations

import pytest

from parley.accounts.models import AuditEvent
from tests.accounts.conftest import Browser
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def tight_limits(settings):
    settings.PARLEY_LOGIN_MAX_FAILURES = 5
    settings.PARLEY_LOGIN_ADDRESS_MAX_FAILURES = 50
    settings.PARLEY_LOGIN_WINDOW = 900
    settings.PARLEY_LOGIN_LOCKOUT = 900


def fail_times(web: Browser, email: str, times: int) -> list[int]:
    return [web.login_password(email, "wrong guess").status_code for _ in range(times)]


def test_brute_force_locks_the_account_even_for_the_right_password(world, web):
    email = world.agent.user.email

    statuses = fail_times(web, email, 5)

    assert statuses == [400, 400, 400, 400, 429]
    locked = web.login_password(email)  # the right password now
    assert locked.status_code == 429
    body = locked.json()
    assert body["code"] == "login_locked"
    assert 840 <= body["retry_after"] <= 900
    assert locked.headers["Retry-After"] == str(body["retry_after"])
    assert "Try again in 15 minutes" in body["detail"]
    assert web.get("/api/v1/auth/me").status_code == 401


def test_the_lock_also_holds_for_a_fresh_client_from_elsewhere(world, web):
    email = world.agent.user.email
    fail_times(web, email, 5)

    elsewhere = Browser(REMOTE_ADDR="203.0.113.9")
    response = elsewhere.login_password(email)

    assert response.status_code == 429 and response.json()["code"] == "login_locked"


def test_an_unknown_account_gets_exactly_the_same_answers(world, web):
    known = fail_times(web, world.agent.user.email, 5)
    unknown_web = Browser(REMOTE_ADDR="198.51.100.7")
    unknown = fail_times(unknown_web, "nobody@example.test", 5)

    assert known == unknown
    one = web.login_password(world.agent.user.email, "x").json()
    other = unknown_web.login_password("nobody@example.test", "x").json()
    assert one.keys() == other.keys()
    assert (one["code"], one["detail"][:40]) == (other["code"], other["detail"][:40])
    first_known = Browser(REMOTE_ADDR="192.0.2.1").login_password(world.admin.user.email, "x")
    first_unknown = Browser(REMOTE_ADDR="192.0.2.2").login_password("ghost@example.test", "x")
    assert first_known.json() == first_unknown.json()
    assert first_known.json() == {
        "code": "invalid_credentials",
        "detail": "Wrong e-mail or password.",
    }


def test_a_successful_login_resets_the_count(world, web):
    email = world.agent.user.email
    fail_times(web, email, 4)
    assert web.login_password(email).status_code == 200

    assert fail_times(Browser(), email, 4) == [400] * 4  # four more without a lock


def test_the_lock_ends_after_its_time(world, web, settings):
    settings.PARLEY_LOGIN_LOCKOUT = 1
    email = world.agent.user.email
    fail_times(web, email, 5)
    import time

    time.sleep(1.1)

    assert web.login_password(email).status_code == 200


def test_many_accounts_from_one_address_lock_the_address(world, web, settings):
    settings.PARLEY_LOGIN_ADDRESS_MAX_FAILURES = 6
    statuses = [web.login_password(f"guess{n}@example.test", "x").status_code for n in range(6)]

    assert statuses[-1] == 429
    # Even a real account with its right password waits, from that address only.
    assert web.login_password(world.agent.user.email).status_code == 429
    assert (
        Browser(REMOTE_ADDR="192.0.2.50").login_password(world.agent.user.email).status_code == 200
    )


def test_failed_and_successful_logins_are_audited_in_the_users_workspaces(world, web):
    web.login_password(world.agent.user.email, "wrong guess")
    web.login_password(world.agent.user.email)

    events = AuditEvent.objects.filter(workspace=world.workspace, actor=world.agent)
    actions = list(events.order_by("pk").values_list("action", flat=True))
    assert actions == ["auth.login_failed", "auth.login"]
    failed = events.get(action="auth.login_failed")
    assert failed.data["reason"] == "password" and failed.data["ip"] == "127.0.0.1"
    assert "Chrome" in failed.data["user_agent"]
    assert PASSWORD not in str(list(events.values_list("data", flat=True)))
    assert failed.target_type == "accounts.user" and failed.target_id == str(world.agent.user.pk)

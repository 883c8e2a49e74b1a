"""The user's sessions: cookies' flags, the list (current marked), ending one, ending all others,
and that nobody can end or see someone else's."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from parley.accounts.models import AuditEvent, UserSession


def test_the_session_cookie_is_httponly_and_samesite_lax(world, web):
    response = web.login_password(world.agent.user.email)

    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert web.cookies["csrftoken"]["samesite"] == "Lax"


def test_the_list_shows_each_browser_with_the_current_one_marked(world, web, make_browser):
    web.login_password(world.agent.user.email)
    phone = make_browser(user_agent="Mozilla/5.0 (iPhone) Safari/605", REMOTE_ADDR="203.0.113.5")
    phone.login_password(world.agent.user.email)
    make_browser().login_password(world.admin.user.email)  # someone else's

    sessions = web.get("/api/v1/auth/sessions").json()

    assert len(sessions) == 2
    current = [s for s in sessions if s["current"]]
    other = [s for s in sessions if not s["current"]]
    assert len(current) == 1 and "Chrome" in current[0]["user_agent"]
    assert other[0]["user_agent"].startswith("Mozilla/5.0 (iPhone)")
    assert other[0]["ip_address"] == "203.0.113.5"
    assert set(other[0]) == {
        "id",
        "ip_address",
        "user_agent",
        "created_at",
        "last_active_at",
        "current",
    }


def test_ending_one_session_logs_that_browser_out(world, web, make_browser):
    web.login_password(world.agent.user.email)
    phone = make_browser(user_agent="phone")
    phone.login_password(world.agent.user.email)
    phone_id = next(s["id"] for s in web.get("/api/v1/auth/sessions").json() if not s["current"])

    response = web.send(f"/api/v1/auth/sessions/{phone_id}", method="delete")

    assert response.status_code == 204
    assert phone.get("/api/v1/auth/me").status_code == 401
    assert web.get("/api/v1/auth/me").status_code == 200
    assert [s["current"] for s in web.get("/api/v1/auth/sessions").json()] == [True]
    assert AuditEvent.objects.filter(action="auth.session_ended", actor=world.agent).exists()


def test_the_current_session_is_not_ended_from_the_list(world, web):
    web.login_password(world.agent.user.email)
    own = web.get("/api/v1/auth/sessions").json()[0]["id"]

    assert web.send(f"/api/v1/auth/sessions/{own}", method="delete").status_code == 404
    assert web.get("/api/v1/auth/me").status_code == 200


def test_nobody_can_end_another_users_session(world, web, make_browser):
    victim = make_browser()
    victim.login_password(world.admin.user.email)
    victim_session = UserSession.objects.get(user=world.admin.user)
    web.login_password(world.agent.user.email)

    response = web.send(f"/api/v1/auth/sessions/{victim_session.pk}", method="delete")

    assert response.status_code == 404
    assert victim.get("/api/v1/auth/me").status_code == 200


def test_log_out_everywhere_else(world, web, make_browser):
    web.login_password(world.agent.user.email)
    others = [make_browser(user_agent=f"device {n}") for n in range(2)]
    for other in others:
        other.login_password(world.agent.user.email)

    response = web.send("/api/v1/auth/sessions/revoke-others")

    assert response.status_code == 200 and response.json() == {"sessions_ended": 2}
    assert [o.get("/api/v1/auth/me").status_code for o in others] == [401, 401]
    assert web.get("/api/v1/auth/me").status_code == 200


def test_logout_drops_the_row_and_last_active_is_kept_fresh(world, web):
    web.login_password(world.agent.user.email)
    row = UserSession.objects.get(user=world.agent.user)
    long_ago = timezone.now() - timedelta(hours=3)
    UserSession.objects.filter(pk=row.pk).update(last_active_at=long_ago)
    session = web.session
    session["_parley_seen"] = long_ago.timestamp()
    session.save()

    web.get("/api/v1/auth/me")

    row.refresh_from_db()
    assert row.last_active_at > long_ago + timedelta(hours=2)
    web.send("/api/v1/auth/logout")
    assert not UserSession.objects.exists()


def test_a_session_from_before_the_list_existed_gets_its_row_when_seen(world, client):
    client.force_login(world.agent.user)  # no row: made without the login API

    client.get("/api/v1/auth/me")

    assert UserSession.objects.filter(user=world.agent.user).count() == 1


def test_the_sessions_list_costs_a_fixed_number_of_queries(
    world, web, make_browser, django_assert_max_num_queries
):
    web.login_password(world.agent.user.email)
    for n in range(5):
        make_browser(user_agent=f"device {n}").login_password(world.agent.user.email)

    with django_assert_max_num_queries(6):
        assert len(web.get("/api/v1/auth/sessions").json()) == 6

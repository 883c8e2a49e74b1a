"""Password hashing (argon2 in production, upgrade of older hashes) and the password rules,
enforced where a person sets a password; changing it ends the other sessions."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.hashers import make_password

from parley.accounts.models import AuditEvent, User
from tests.accounts.conftest import Browser
from tests.factories import PASSWORD

NEW = "violet kettle orbit 42"


def test_the_production_setting_hashes_with_argon2_first():
    # The test run swaps in a fast hasher (tests/conftest.py); the settings module itself
    # is what every real process runs with.
    settings_module = importlib.import_module("parley.settings")

    assert settings_module.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_an_older_hash_is_upgraded_to_argon2_at_login(world, settings):
    settings.PASSWORD_HASHERS = importlib.import_module("parley.settings").PASSWORD_HASHERS
    user = world.agent.user
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))

    response = Browser().login_password(user.email)

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


@pytest.fixture
def logged_in(world, web):
    assert web.login_password(world.agent.user.email).status_code == 200
    return web


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("short1a", "password_too_short"),
        ("password123", "password_too_common"),
        ("8264019375512", "password_entirely_numeric"),
        ("user1@example.test!", "password_too_similar"),
    ],
)
def test_a_password_breaking_a_rule_is_refused_with_the_rule_named(
    world, logged_in, password, rule
):
    world.agent.user.email = "user1@example.test"
    world.agent.user.save()
    before = User.objects.get(pk=world.agent.user.pk).password

    response = logged_in.send(
        "/api/v1/auth/password", {"current_password": PASSWORD, "new_password": password}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "password_rejected" and rule in body["rules"]
    assert body["fields"]["new_password"]
    assert User.objects.get(pk=world.agent.user.pk).password == before


def test_the_current_password_must_be_right(world, logged_in):
    response = logged_in.send(
        "/api/v1/auth/password", {"current_password": "guess", "new_password": NEW}
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"current_password": ["The current password is wrong."]}
    assert User.objects.get(pk=world.agent.user.pk).check_password(PASSWORD)


def test_changing_the_password_logs_out_every_other_session(world, logged_in, make_browser):
    phone = make_browser(user_agent="Mozilla/5.0 (iPhone) Safari/605")
    assert phone.login_password(world.agent.user.email).status_code == 200
    assert phone.get("/api/v1/auth/me").status_code == 200

    changed = logged_in.send(
        "/api/v1/auth/password", {"current_password": PASSWORD, "new_password": NEW}
    )

    assert changed.status_code == 200 and changed.json() == {"sessions_ended": 1}
    assert phone.get("/api/v1/auth/me").status_code == 401
    assert logged_in.get("/api/v1/auth/me").status_code == 200  # this one stays in
    sessions = logged_in.get("/api/v1/auth/sessions").json()
    assert len(sessions) == 1 and sessions[0]["current"] is True
    assert make_browser().login_password(world.agent.user.email, NEW).status_code == 200
    assert AuditEvent.objects.filter(action="auth.password_changed", actor=world.agent).exists()


def test_seeded_demo_passwords_are_not_checked_against_the_rules(db, settings):
    from django.contrib.auth import authenticate

    settings.PARLEY_DEMO = True  # the demo is seeded in the embedded mode only
    from parley.ops.demo import DEMO_PASSWORD, demo_seed

    demo_seed(port=8000)

    # The rules would refuse it (too like the address); seeding sets it directly, on purpose.
    with pytest.raises(Exception, match="similar"):
        from django.contrib.auth.password_validation import validate_password

        validate_password(DEMO_PASSWORD, user=User.objects.get(email="admin@demo.parley.test"))
    assert authenticate(username="admin@demo.parley.test", password=DEMO_PASSWORD) is not None

"""Console login by session (with CSRF), and API tokens for integrations."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from parley.accounts.models import ApiToken, AuditEvent
from parley.accounts.services import hash_token
from tests.factories import PASSWORD, ConversationFactory


@pytest.fixture
def browser_client() -> Client:
    return Client(enforce_csrf_checks=True)


def login(client: Client, email: str, password: str = PASSWORD):
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    return client.post(
        "/api/v1/auth/login",
        {"email": email, "password": password},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )


def test_login_with_csrf_sets_a_session_and_returns_the_memberships(world, browser_client):
    response = login(browser_client, world.agent.user.email.upper())
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == world.agent.user.email
    assert body["memberships"] == [
        {
            "id": world.agent.pk,
            "role": "agent",
            "workspace": {
                "id": world.workspace.pk,
                "slug": world.workspace.slug,
                "name": world.workspace.name,
                "timezone": "UTC",
                "require_two_factor": False,
            },
            "permissions": {
                "see_all_inboxes": False,
                "assign_others": False,
                "manage_shared_replies": False,
                "view_pii": False,
                "read_audit_log": False,
            },
        }
    ]
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    me = browser_client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["user"]["id"] == world.agent.user.pk


def test_login_without_the_csrf_token_is_refused(world, browser_client):
    response = browser_client.post(
        "/api/v1/auth/login",
        {"email": world.agent.user.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert browser_client.get("/api/v1/auth/me").status_code == 401


def test_wrong_password_is_a_clear_error(world, browser_client):
    response = login(browser_client, world.agent.user.email, "nope")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_logout_ends_the_session(world, browser_client):
    login(browser_client, world.agent.user.email)
    token = browser_client.cookies["csrftoken"].value
    assert (
        browser_client.post("/api/v1/auth/logout", headers={"X-CSRFToken": token}).status_code
        == 204
    )
    assert browser_client.get("/api/v1/auth/me").status_code == 401


def test_session_writes_need_csrf(world, browser_client):
    login(browser_client, world.agent.user.email)
    conversation = ConversationFactory(inbox=world.inbox)
    response = browser_client.post(
        f"/api/v1/workspaces/{world.workspace.slug}/conversations/{conversation.pk}/messages/",
        {"body": "forged"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert not conversation.messages.exists()


def test_login_is_rate_limited(world, throttle_rates):
    throttle_rates(login="3/min")
    client = APIClient()
    statuses = [
        client.post(
            "/api/v1/auth/login", {"email": "x@example.test", "password": "y"}, format="json"
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


def test_an_api_token_is_shown_once_stored_hashed_and_works(world):
    client = APIClient()
    client.force_authenticate(world.agent.user)
    created = client.post(
        f"/api/v1/workspaces/{world.workspace.slug}/tokens/", {"name": "CRM sync"}, format="json"
    )
    assert created.status_code == 201
    key = created.json()["key"]
    stored = ApiToken.objects.get()
    assert stored.key_hash == hash_token(key) and key not in (stored.key_hash, stored.prefix)
    assert "key" not in client.get(f"/api/v1/workspaces/{world.workspace.slug}/tokens/").json()[0]
    assert AuditEvent.objects.filter(action="api_token.issued").exists()

    integration = APIClient()
    integration.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = integration.get(f"/api/v1/workspaces/{world.workspace.slug}/conversations/")
    assert response.status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_a_token_only_reaches_its_own_workspace(world, other_world):
    # The same person is a member of both workspaces; the token was made in the first.
    from tests.factories import MemberFactory

    MemberFactory(workspace=other_world.workspace, user=world.agent.user, role="admin")
    client = APIClient()
    client.force_authenticate(world.agent.user)
    key = client.post(
        f"/api/v1/workspaces/{world.workspace.slug}/tokens/", {"name": "t"}, format="json"
    ).json()["key"]
    integration = APIClient()
    integration.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert (
        integration.get(f"/api/v1/workspaces/{other_world.workspace.slug}/members/").status_code
        == 404
    )


def test_a_revoked_or_wrong_token_is_refused(world):
    client = APIClient()
    client.force_authenticate(world.agent.user)
    base = f"/api/v1/workspaces/{world.workspace.slug}/tokens/"
    created = client.post(base, {"name": "t"}, format="json").json()
    assert client.delete(f"{base}{created['id']}/").status_code == 204
    integration = APIClient()
    integration.credentials(HTTP_AUTHORIZATION=f"Token {created['key']}")
    assert integration.get(base).status_code == 401
    integration.credentials(HTTP_AUTHORIZATION="Token pt_made_up")
    assert integration.get(base).status_code == 401


def test_members_cannot_revoke_each_others_tokens(world):
    owner_client = APIClient()
    owner_client.force_authenticate(world.agent.user)
    base = f"/api/v1/workspaces/{world.workspace.slug}/tokens/"
    token_id = owner_client.post(base, {"name": "t"}, format="json").json()["id"]
    other = APIClient()
    other.force_authenticate(world.other_agent.user)
    assert other.delete(f"{base}{token_id}/").status_code == 404
    assert ApiToken.objects.get(pk=token_id).revoked_at is None


def test_a_forged_forwarded_for_header_does_not_dodge_the_login_limit(world, throttle_rates):
    throttle_rates(login="3/min")
    client = APIClient()
    statuses = [
        client.post(
            "/api/v1/auth/login",
            {"email": "x@example.test", "password": "y"},
            format="json",
            headers={"X-Forwarded-For": f"10.0.0.{n}"},
        ).status_code
        for n in range(5)
    ]
    assert statuses[-2:] == [429, 429]

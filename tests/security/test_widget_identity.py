"""Widget identity verification: a site binds its logged-in users with an HMAC of their id; an
unsigned or wrongly signed claim is refused and stores nothing."""

from __future__ import annotations

import hashlib
import hmac

from parley.accounts.models import AuditEvent
from parley.contacts.models import Contact
from parley.inboxes.models import VerifiedIdentity
from tests.conftest import World, client_for
from tests.factories import ConversationFactory
from tests.inboxes.test_widget_api import open_session


def site_hash(secret: str, user_id: str) -> str:
    # Exactly what the docs tell a site to compute on its server.
    return hmac.new(secret.encode(), user_id.encode(), hashlib.sha256).hexdigest()


def generate_secret(world: World) -> str:
    response = client_for(world.admin).post(
        f"/api/v1/workspaces/{world.workspace.slug}/inboxes/{world.inbox.pk}/identity-secret/"
    )
    assert response.status_code == 201
    return response.json()["identity_secret"]


def test_a_signed_identifier_binds_the_same_contact_on_every_visit(world):
    secret = generate_secret(world)
    first = open_session(
        world.inbox, identifier="user-42", identifier_hash=site_hash(secret, "user-42")
    )
    assert first.status_code == 201
    # Another browser, no token: the same user is the same contact with the same history.
    conversation = ConversationFactory(
        inbox=world.inbox, contact_id=first.json()["contact"]["id"], workspace=world.workspace
    )
    again = open_session(
        world.inbox, identifier="user-42", identifier_hash=site_hash(secret, "user-42")
    )
    assert again.json()["contact"]["id"] == first.json()["contact"]["id"]
    assert [c["id"] for c in again.json()["conversations"]] == [conversation.pk]
    assert (
        VerifiedIdentity.objects.get(identifier="user-42").contact_id
        == first.json()["contact"]["id"]
    )


def test_identity_spoofing_unsigned_or_wrongly_signed_claims_are_refused(world):
    secret = generate_secret(world)
    victim = open_session(
        world.inbox, identifier="victim", identifier_hash=site_hash(secret, "victim")
    )
    contacts, bindings = Contact.objects.count(), VerifiedIdentity.objects.count()
    for claim in (
        {"identifier": "victim"},
        {"identifier": "victim", "identifier_hash": ""},
        {"identifier": "victim", "identifier_hash": site_hash("guessed", "victim")},
        {"identifier": "victim", "identifier_hash": site_hash(secret, "someone-else")},
        {"identifier_hash": site_hash(secret, "victim")},
    ):
        response = open_session(world.inbox, **claim)
        assert response.status_code in (400, 403), claim
        assert response.json()["code"] in ("identity_unverified", "invalid"), claim
        assert "token" not in response.json()
    assert (Contact.objects.count(), VerifiedIdentity.objects.count()) == (contacts, bindings)
    assert victim.status_code == 201


def test_an_inbox_without_a_secret_verifies_nobody(world):
    response = open_session(world.inbox, identifier="u1", identifier_hash=site_hash("", "u1"))
    assert response.status_code == 403
    assert response.json()["code"] == "identity_unverified"


def test_rotating_the_secret_invalidates_old_hashes_and_is_audited(world):
    old = generate_secret(world)
    new = generate_secret(world)
    assert old != new
    assert (
        open_session(world.inbox, identifier="u1", identifier_hash=site_hash(old, "u1")).status_code
        == 403
    )
    assert (
        open_session(world.inbox, identifier="u1", identifier_hash=site_hash(new, "u1")).status_code
        == 201
    )
    actions = list(
        AuditEvent.objects.filter(workspace=world.workspace).values_list("action", flat=True)
    )
    assert "inbox.identity_secret_created" in actions and "inbox.identity_secret_rotated" in actions


def test_the_secret_is_shown_only_once(world):
    secret = generate_secret(world)
    detail = client_for(world.admin).get(
        f"/api/v1/workspaces/{world.workspace.slug}/inboxes/{world.inbox.pk}/"
    )
    assert secret not in detail.content.decode()
    listing = client_for(world.admin).get(f"/api/v1/workspaces/{world.workspace.slug}/inboxes/")
    assert secret not in listing.content.decode()


def test_agents_and_supervisors_cannot_generate_the_secret(world):
    for member in (world.agent, world.supervisor):
        response = client_for(member).post(
            f"/api/v1/workspaces/{world.workspace.slug}/inboxes/{world.inbox.pk}/identity-secret/"
        )
        assert response.status_code == 403
    world.inbox.refresh_from_db()
    assert world.inbox.identity_secret == ""


def test_another_workspaces_admin_cannot_reach_the_secret(world, other_world):
    response = client_for(other_world.admin).post(
        f"/api/v1/workspaces/{other_world.workspace.slug}/inboxes/{world.inbox.pk}/identity-secret/"
    )
    assert response.status_code == 404
    world.inbox.refresh_from_db()
    assert world.inbox.identity_secret == ""


def test_a_verified_users_token_does_not_resume_without_the_identifier(world):
    """After the site's user logs out, the next visitor on that browser starts afresh."""
    secret = generate_secret(world)
    signed_in = open_session(
        world.inbox, identifier="u7", identifier_hash=site_hash(secret, "u7")
    ).json()
    anonymous = open_session(world.inbox, token=signed_in["token"]).json()
    assert anonymous["contact"]["id"] != signed_in["contact"]["id"]

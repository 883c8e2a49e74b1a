"""Widget identity verification: a site binds its logged-in users to contacts.

The site's server computes ``identifier_hash = HMAC-SHA256(inbox identity secret, identifier)``
(hex) and puts both in the widget's settings. Parley recomputes the HMAC; only a match binds the
visitor to the contact of that user, so nobody can claim to be another user by typing their id.
An identifier without a hash, with a wrong one, or for an inbox without a secret is refused with
``identity_unverified``. Visitors who send no identifier stay anonymous contacts, each seeing
only their own conversations.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import IntegrityError, transaction

from parley.accounts.models import Member, Role
from parley.accounts.services import audit_record
from parley.contacts.models import Contact
from parley.contacts.services import contact_create
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox, VerifiedIdentity

MAX_IDENTIFIER = 200


def identifier_hash(*, secret: str, identifier: str) -> str:
    """What a site computes on its server (never in the browser: the secret must stay there)."""
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


def identity_verify(*, inbox: Inbox, identifier: str, claimed_hash: str) -> str:
    identifier = identifier.strip()
    if not identifier or len(identifier) > MAX_IDENTIFIER:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"An identifier is 1 to {MAX_IDENTIFIER} characters.",
            fields={"identifier": "invalid"},
        )
    if not inbox.identity_secret:
        raise ApplicationError(
            ErrorCode.IDENTITY_UNVERIFIED,
            "This inbox does not verify identities; generate its identity secret first.",
        )
    if not claimed_hash:
        raise ApplicationError(
            ErrorCode.IDENTITY_UNVERIFIED, "An identifier needs its identifier_hash."
        )
    expected = identifier_hash(secret=inbox.identity_secret, identifier=identifier)
    # Constant time: the comparison must not tell an attacker how many characters were right.
    if not hmac.compare_digest(expected, claimed_hash.strip().lower()):
        raise ApplicationError(
            ErrorCode.IDENTITY_UNVERIFIED, "The identifier_hash does not match the identifier."
        )
    return identifier


def verified_contact(
    *, inbox: Inbox, identifier: str, name: str, email: str, locale: str
) -> Contact:
    """The contact bound to a verified identifier, created on its first visit."""
    bound = (
        VerifiedIdentity.objects.select_related("contact")
        .filter(workspace_id=inbox.workspace_id, identifier=identifier)
        .first()
    )
    if bound is not None:
        return bound.contact
    contact = contact_create(workspace=inbox.workspace, name=name, email=email, locale=locale)
    try:
        with transaction.atomic():
            VerifiedIdentity.objects.create(
                workspace_id=inbox.workspace_id, identifier=identifier, contact=contact
            )
    except IntegrityError:
        # Two first visits at once: the other one bound it; use that contact.
        contact.delete()
        return VerifiedIdentity.objects.get(
            workspace_id=inbox.workspace_id, identifier=identifier
        ).contact
    return contact


@transaction.atomic
def identity_secret_rotate(*, inbox: Inbox, actor: Member) -> str:
    """A new secret, returned this once; hashes signed with the old one stop working at once."""
    if actor.role not in (Role.OWNER, Role.ADMIN) or actor.workspace_id != inbox.workspace_id:
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Only owners and admins manage identity secrets."
        )
    secret = secrets.token_hex(32)
    had_one = bool(inbox.identity_secret)
    inbox.identity_secret = secret
    inbox.save(update_fields=["identity_secret"])
    audit_record(
        workspace=inbox.workspace,
        actor=actor,
        action="inbox.identity_secret_rotated" if had_one else "inbox.identity_secret_created",
        target=inbox,
        data={},
    )
    return secret

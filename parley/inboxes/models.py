"""Inboxes: the channel instances conversations arrive through."""

from __future__ import annotations

import secrets

from django.db import models

from parley.accounts.models import Member, Team, Workspace
from parley.contacts.encryption import EncryptedTextField


def new_public_key() -> str:
    return secrets.token_urlsafe(18)


class InboxKind(models.TextChoices):
    WIDGET = "widget", "Website widget"
    EMAIL = "email", "E-mail"
    API = "api", "API"


class Inbox(models.Model):
    """One channel: a site's chat widget now; e-mail and API inboxes share the same row shape.

    Channel-specific settings live in ``settings`` (validated by the channel's adapter), so a
    new kind needs no new table for what every inbox has in common.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="inboxes")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=16, choices=InboxKind.choices, default=InboxKind.WIDGET)
    public_key = models.CharField(max_length=64, unique=True, default=new_public_key)
    allowed_origins = models.JSONField(
        default=list, blank=True, help_text="Origins (scheme://host[:port]) the widget may run on."
    )
    greeting = models.TextField(blank=True)
    settings = models.JSONField(default=dict, blank=True)
    # The key a site signs its users' ids with (parley/inboxes/identity.py); empty until an admin
    # generates one, and never sent by the API except once, when it is generated. Encrypted at
    # rest (the server must read it to check the HMAC).
    identity_secret = EncryptedTextField(blank=True, default="")
    agents = models.ManyToManyField(Member, related_name="inboxes", blank=True)
    teams = models.ManyToManyField(Team, related_name="inboxes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "inboxes"

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"

    def allows_origin(self, origin: str | None) -> bool:
        if not origin:
            return False
        return origin.rstrip("/").lower() in {o.rstrip("/").lower() for o in self.allowed_origins}


class VerifiedIdentity(models.Model):
    """A site's user, proven by an HMAC of their id, bound to one contact of the workspace: the
    same user on any device or inbox of the workspace is the same contact."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    identifier = models.CharField(max_length=200)
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="verified_identities"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "identifier"], name="one_contact_per_site_user"
            )
        ]
        verbose_name_plural = "verified identities"

    def __str__(self) -> str:
        return f"{self.identifier} → contact {self.contact_id}"

"""Customers: known or anonymous people who write to a workspace."""

from __future__ import annotations

from django.db import models

from parley.accounts.models import Workspace
from parley.contacts.encryption import EncryptedTextField
from parley.privacy.mask import mask_email


class Contact(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    # Sensitive fields: ciphertext in the database, each with a blind index (a keyed hash of
    # the normalised value) for equality lookups. Written by contact_update (services.py).
    phone = EncryptedTextField(blank=True, default="")
    phone_index = models.CharField(max_length=64, blank=True, default="")
    id_number = EncryptedTextField(blank=True, default="")
    id_number_index = models.CharField(max_length=64, blank=True, default="")
    # The language the contact was last served in ("en" or "zh-CN", by the widget or the web
    # form); e-mails to them are written in it. Empty until known: English.
    locale = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "email"]),
            models.Index(fields=["workspace", "phone_index"]),
            models.Index(fields=["workspace", "id_number_index"]),
        ]

    def __str__(self) -> str:
        return self.name or self.email or f"Visitor #{self.pk}"

    @property
    def display_name(self) -> str:
        """The name staff know the contact by: its name, else its e-mail address *masked*
        (z***@example.com), else "Visitor #id". Every staff list, frame and search result
        shows this, and members without "view PII" must not read the address in it; the
        address itself is the profile's ``email`` (docs/security.md, "PII masking")."""
        if self.name:
            return self.name
        return mask_email(self.email) if self.email else f"Visitor #{self.pk}"

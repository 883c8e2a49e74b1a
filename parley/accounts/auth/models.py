"""Rows of authentication: a user's authenticator app, their recovery codes and their sessions.

Imported by parley/accounts/models.py, so they belong to the accounts app."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from parley.contacts.encryption import EncryptedTextField


class TwoFactorDevice(models.Model):
    """A user's TOTP authenticator. Unconfirmed until the first code proves the app has it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor"
    )
    # Base32, as authenticator apps take it; encrypted at rest (docs/security.md, "Encryption
    # at rest"): the server must read it to check codes, so it is encrypted, not hashed.
    secret = EncryptedTextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The 30-second step of the last accepted code: a code is never accepted twice.
    last_used_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"two-factor of {self.user_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A single-use code for when the authenticator is lost. Only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique")
        ]

    def __str__(self) -> str:
        return f"recovery code {self.pk} of {self.user_id}"


class UserSession(models.Model):
    """One logged-in browser, keyed by its Django session key, for the user's sessions list.

    The session itself lives in Django's session store; revoking deletes it there and here."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions"
    )
    session_key = models.CharField(max_length=64, unique=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_active_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "-last_active_at"])]

    def __str__(self) -> str:
        return f"session {self.pk} of {self.user_id}"

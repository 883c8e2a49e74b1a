"""Workspaces (tenants), the people in them and what they may do."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in. What they may do depends on their Member row in each workspace."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=120, blank=True)
    # The console's language at the last login ("en" or "zh-CN"), for e-mails such as a
    # password reset; empty until known.
    locale = models.CharField(max_length=8, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    objects = UserManager()  # type: ignore[assignment,misc]

    def __str__(self) -> str:
        return self.email

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.email.split("@")[0]


class Workspace(models.Model):
    """A tenant: one company. Every row of every app belongs to exactly one."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    timezone = models.CharField(max_length=64, default="UTC")
    # Members without a confirmed authenticator must enrol before they use this workspace.
    require_two_factor = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    SUPERVISOR = "supervisor", "Supervisor"
    AGENT = "agent", "Agent"


class Member(models.Model):
    """A user's place in one workspace, with the role that decides what they may do there."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AGENT)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user"], name="member_unique_per_workspace"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def is_supervising(self) -> bool:
        """Owners, admins and supervisors: they see every inbox and direct others' work."""
        return self.role in {Role.OWNER, Role.ADMIN, Role.SUPERVISOR}

    @property
    def sees_all_inboxes(self) -> bool:
        return self.is_supervising


class Team(models.Model):
    """A group of agents such as consulting, technical support or complaints."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=255, blank=True)
    members = models.ManyToManyField(Member, related_name="teams", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="team_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A token for integrations. Only its SHA-256 is stored; the token is shown once."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)  # none: until revoked
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditRefused(Exception):
    """Raised when code tries to change or delete an audit entry: the log is append-only."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditRefused("Audit entries are never deleted.")

    def update(self, **kwargs: Any) -> int:
        # Deleting a member sets `actor` to null through an update; the chain does not hash
        # the key (it hashes `actor_label`), so that one change is allowed.
        if set(kwargs) - {"actor", "actor_id"}:
            raise AuditRefused("Audit entries are never changed.")
        return super().update(**kwargs)

    def bulk_create(  # type: ignore[override]
        self, objs: Iterable[AuditEvent], *args: Any, **kwargs: Any
    ) -> list[AuditEvent]:
        """Chained like `audit_record`, so a service that writes many entries in one INSERT
        keeps the chain whole. All entries must belong to one workspace."""
        from django.db import transaction

        from parley.accounts import audit_chain

        entries = list(objs)
        if not entries:
            return []
        with transaction.atomic(savepoint=False):
            audit_chain.lock_chain(entries[0].workspace_id)
            audit_chain.link(entries)
            return super().bulk_create(entries, *args, **kwargs)  # type: ignore[arg-type,return-value]


class AuditEvent(models.Model):
    """An append-only, hash-chained record of who did what, for admins and auditors.

    Entries are written by `parley.accounts.services.audit_record` (or `bulk_create`), which
    takes the workspace's chain lock, numbers the entry (`seq`) and chains it (`prev_hash`,
    `hash`; see audit_chain.py). Changing or deleting one through the ORM raises `AuditRefused`."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who acted, as it was when they did (their e-mail): kept when the member is deleted.
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    seq = models.PositiveBigIntegerField(default=0)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-created_at"]),
            models.Index(fields=["workspace", "action"]),
        ]
        constraints = [
            # Two writers that raced past the lock could not fork the chain: one would fail.
            models.UniqueConstraint(fields=["workspace", "seq"], name="audit_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AuditRefused("Audit entries are never changed.")
        if not self.hash:
            raise AuditRefused("Audit entries are chained: use audit_record.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AuditRefused("Audit entries are never deleted.")


# Authentication's own rows live beside their services; importing them here registers them.
from parley.accounts.auth.models import RecoveryCode, TwoFactorDevice, UserSession  # noqa: E402

__all__ = [
    "ApiToken",
    "AuditEvent",
    "AuditRefused",
    "Member",
    "RecoveryCode",
    "Role",
    "Team",
    "TwoFactorDevice",
    "User",
    "UserSession",
    "Workspace",
]

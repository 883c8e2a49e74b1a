"""Use cases that change accounts: workspaces, members, teams, API tokens, audit records."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from parley.accounts.models import ApiToken, AuditEvent, Member, Role, Team, User, Workspace

TOKEN_PREFIX_LEN = 8


def audit_record(
    *,
    workspace: Workspace,
    actor: Member | None,
    action: str,
    target: models.Model,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one entry to the workspace's hash-chained audit log (docs/security.md)."""
    entry = AuditEvent(
        workspace=workspace,
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=data or {},
    )
    AuditEvent.objects.bulk_create([entry])
    return entry


def workspace_create(*, name: str, slug: str, timezone_name: str = "UTC") -> Workspace:
    return Workspace.objects.create(name=name, slug=slug, timezone=timezone_name)


def user_ensure(*, email: str, password: str, display_name: str = "") -> User:
    """The user with this e-mail, created with the password if new (used by seeding)."""
    user = User.objects.filter(email=email.lower()).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, display_name=display_name)
    return user


def member_add(
    *, workspace: Workspace, user: User, role: Role = Role.AGENT, actor: Member | None = None
) -> Member:
    """Add the user to the workspace, or give an existing member this role. Both are audited
    (`member.added`, `member.role_changed` with the old and new role)."""
    member, created = Member.objects.get_or_create(
        workspace=workspace, user=user, defaults={"role": role}
    )
    if created:
        audit_record(
            workspace=workspace,
            actor=actor,
            action="member.added",
            target=member,
            data={"role": str(role)},
        )
    elif member.role != role:
        old = member.role
        member.role = role
        member.save(update_fields=["role"])
        audit_record(
            workspace=workspace,
            actor=actor,
            action="member.role_changed",
            target=member,
            data={"from": str(old), "to": str(role)},
        )
    return member


def team_ensure(*, workspace: Workspace, name: str, description: str = "") -> Team:
    team, _ = Team.objects.get_or_create(
        workspace=workspace, name=name, defaults={"description": description}
    )
    return team


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # the only time the plain key exists; the database keeps its hash


@transaction.atomic
def api_token_issue(
    *, member: Member, name: str, expires_in_days: int | None = None
) -> IssuedToken:
    key = "pt_" + secrets.token_urlsafe(32)
    expires_at = (
        timezone.now() + timedelta(days=expires_in_days) if expires_in_days is not None else None
    )
    token = ApiToken.objects.create(
        member=member,
        name=name,
        prefix=key[:TOKEN_PREFIX_LEN],
        key_hash=hash_token(key),
        expires_at=expires_at,
    )
    audit_record(
        workspace=member.workspace,
        actor=member,
        action="api_token.issued",
        target=token,
        data={"name": name, "expires_at": expires_at.isoformat() if expires_at else None},
    )
    return IssuedToken(token=token, key=key)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Member) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(workspace=actor.workspace, actor=actor, action="api_token.revoked", target=token)

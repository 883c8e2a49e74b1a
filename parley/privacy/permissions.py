"""Who may see personal data unmasked ("view PII").

A role-based permission: owners, admins and supervisors have it; agents do not. Having it does
not unmask anything by itself: every staff payload is masked, and a member with the permission
reads one message's or one contact field's clear text through the reveal endpoints, each
reveal audited (reveal.py). See docs/permissions.md and docs/security.md ("PII masking").
"""

from __future__ import annotations

from parley.accounts.models import Member, Role
from parley.errors import ApplicationError, ErrorCode

VIEW_PII_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.SUPERVISOR})


def can_view_pii(member: Member) -> bool:
    return member.role in VIEW_PII_ROLES


def ensure_can_view_pii(member: Member) -> None:
    if not can_view_pii(member):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Your role may not see personal data unmasked."
        )

"""Audit records of a person's own authentication events (logins, failed logins, two-factor,
password and session changes).

An audit event belongs to a workspace, and a login belongs to none: the event is recorded once
in every workspace the user is an active member of, with that member as the actor, so each
workspace's admins see their own members' logins. A failed login for an address without an
account has no workspace; it is only logged, with the address hashed."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.http import HttpRequest

from parley.accounts.models import Member, User
from parley.accounts.services import audit_record

logger = logging.getLogger("parley.auth")


def client_facts(request: HttpRequest | None) -> dict[str, str]:
    """The client's address and browser, as the sessions list and the audit log show them."""
    if request is None:
        return {}
    from parley.accounts.auth.client import client_address

    return {
        "ip": client_address(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


def audit_user(
    *,
    user: User,
    action: str,
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
) -> int:
    """Record `action` for the user in each of their workspaces; returns how many records."""
    payload = {**client_facts(request), **(data or {})}
    members = Member.objects.select_related("workspace").filter(user=user, is_active=True)
    count = 0
    for member in members:
        audit_record(
            workspace=member.workspace, actor=member, action=action, target=user, data=payload
        )
        count += 1
    logger.info("%s user=%s", action, user.pk)
    return count


def log_unknown_account(*, email: str, action: str, request: HttpRequest | None) -> None:
    digest = hashlib.sha256(email.encode()).hexdigest()[:12]
    logger.info("%s account=unknown:%s ip=%s", action, digest, client_facts(request).get("ip"))

"""Reads of the audit log for its admins: filtered, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from parley.accounts.models import AuditEvent, Member, Role
from parley.errors import ApplicationError, ErrorCode

AUDIT_ROLES = {Role.OWNER, Role.ADMIN}


def ensure_audit_reader(member: Member) -> None:
    """Owners and admins read the audit log; supervisors and agents do not (it records
    what supervisors do, and logins with addresses)."""
    if member.role not in AUDIT_ROLES:
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Only owners and admins read the audit log."
        )


@dataclass(frozen=True)
class AuditFilter:
    actor: int | None = None
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    since: datetime | None = None
    until: datetime | None = None


def audit_events(*, member: Member, filters: AuditFilter) -> QuerySet[AuditEvent]:
    ensure_audit_reader(member)
    events = AuditEvent.objects.filter(workspace_id=member.workspace_id)
    if filters.actor is not None:
        events = events.filter(actor_id=filters.actor)
    if filters.action:
        # "ticket." finds every ticket action; "ticket.updated" just that one.
        if filters.action.endswith("."):
            events = events.filter(action__startswith=filters.action)
        else:
            events = events.filter(action=filters.action)
    if filters.target_type:
        events = events.filter(target_type=filters.target_type)
    if filters.target_id:
        events = events.filter(target_id=filters.target_id)
    if filters.since is not None:
        events = events.filter(created_at__gte=filters.since)
    if filters.until is not None:
        events = events.filter(created_at__lt=filters.until)
    return events.select_related("actor__user").order_by("-seq")

"""Reads of profiles and churn models, scoped to the asking member's workspace."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from parley.accounts.models import Member
from parley.analytics.customers.models import ChurnModel, ContactProfile
from parley.contacts.models import Contact
from parley.contacts.selectors import contact_for_member
from parley.errors import ApplicationError, ErrorCode


@dataclass(frozen=True)
class AtRiskFilters:
    levels: tuple[str, ...] = ("high", "medium")
    followed_up: bool | None = False  # None: both
    channel: str = ""
    limit: int = 50
    offset: int = 0


def at_risk_profiles(*, member: Member, filters: AtRiskFilters) -> tuple[int, list[ContactProfile]]:
    """Scored contacts, riskiest first (ties: most recently active first)."""
    rows: QuerySet[ContactProfile] = ContactProfile.objects.filter(
        workspace_id=member.workspace_id, risk__isnull=False, risk_level__in=filters.levels
    )
    if filters.followed_up is not None:
        rows = rows.filter(followed_up_at__isnull=not filters.followed_up)
    if filters.channel:
        # The JSON text of the list holds each kind in quotes (SQLite and PostgreSQL alike).
        rows = rows.filter(channels__icontains=f'"{filters.channel}"')
    total = rows.count()
    page = list(
        rows.select_related("contact", "followed_up_by__user").order_by(
            "-risk", "-last_conversation_at", "pk"
        )[filters.offset : filters.offset + filters.limit]
    )
    return total, page


def profile_for_member(*, member: Member, contact_id: int) -> tuple[Contact, ContactProfile | None]:
    """The contact (as the member may see it: 404 otherwise) and its profile, if computed."""
    contact = contact_for_member(member=member, contact_id=contact_id)
    profile = (
        ContactProfile.objects.filter(workspace_id=member.workspace_id, contact=contact)
        .select_related("followed_up_by__user")
        .first()
    )
    return contact, profile


def profile_for_update(*, member: Member, contact_id: int) -> ContactProfile:
    profile = (
        ContactProfile.objects.filter(workspace_id=member.workspace_id, contact_id=contact_id)
        .select_related("contact")
        .first()
    )
    if profile is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No profile for this contact.")
    return profile


def churn_models(*, workspace_id: int, limit: int = 20) -> list[ChurnModel]:
    return list(ChurnModel.objects.filter(workspace_id=workspace_id).order_by("-version")[:limit])


def active_churn_model(*, workspace_id: int) -> ChurnModel | None:
    return ChurnModel.objects.filter(workspace_id=workspace_id, active=True).first()

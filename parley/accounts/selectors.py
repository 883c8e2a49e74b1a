"""Reads of accounts data."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from parley.accounts.models import ApiToken, Member, Team, TwoFactorDevice, User
from parley.accounts.services import hash_token
from parley.errors import ApplicationError, ErrorCode


def member_for_user(*, user: User, workspace_slug: str) -> Member:
    """The caller's active membership in the workspace; 404 if none (no hint it exists)."""
    member = (
        Member.objects.select_related("workspace", "user")
        .filter(user=user, workspace__slug=workspace_slug, is_active=True)
        .first()
    )
    if member is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such workspace.")
    return member


def memberships_of(*, user: User, include_two_factor_blocked: bool = False) -> QuerySet[Member]:
    """The user's active memberships. Left out unless asked for: those in workspaces that
    require two-factor while the user has none (docs/security.md), so the agent socket serves
    none of their data; the profile (auth/me) asks for them, to send the user to enrol."""
    members = Member.objects.select_related("workspace", "user").filter(user=user, is_active=True)
    if not include_two_factor_blocked:
        has_two_factor = Exists(
            TwoFactorDevice.objects.filter(user=OuterRef("user"), confirmed_at__isnull=False)
        )
        members = members.exclude(Q(workspace__require_two_factor=True) & ~has_two_factor)
    return members.order_by("workspace__name")


def member_list(*, workspace_id: int) -> QuerySet[Member]:
    return (
        Member.objects.select_related("user")
        .filter(workspace_id=workspace_id, is_active=True)
        .order_by("user__email")
    )


def member_get(*, workspace_id: int, member_id: int) -> Member:
    member = member_list(workspace_id=workspace_id).filter(pk=member_id).first()
    if member is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such member.")
    return member


def team_list(*, workspace_id: int) -> QuerySet[Team]:
    return Team.objects.filter(workspace_id=workspace_id).order_by("name")


def team_get(*, workspace_id: int, team_id: int) -> Team:
    team = team_list(workspace_id=workspace_id).filter(pk=team_id).first()
    if team is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such team.")
    return team


TOKEN_TOUCH_EVERY = timedelta(minutes=1)


def api_token_lookup(*, key: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("member__user", "member__workspace")
        .filter(key_hash=hash_token(key), revoked_at__isnull=True, member__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .first()
    )
    if token is not None:
        now = timezone.now()
        # Within a minute, as sessions' "last active" (auth/sessions.py): a write, and its
        # commit, on every request of an integration was the dearest part of authenticating.
        if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token


def api_token_list(*, member: Member) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(member=member, revoked_at__isnull=True).order_by("-created_at")

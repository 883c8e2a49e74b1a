"""Reads of quality review, scoped to the asking member: agents see only their own reviews."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Avg, Count, Prefetch, QuerySet

from parley.accounts.models import Member
from parley.errors import ApplicationError, ErrorCode
from parley.quality.models import Criterion, QualitySettings, QueueItem, Review, Scorecard


def quality_settings(*, workspace_id: int) -> QualitySettings:
    """The stored settings, or the defaults (unsaved) when none were changed."""
    found = QualitySettings.objects.filter(workspace_id=workspace_id).first()
    return found or QualitySettings(workspace_id=workspace_id)


def scorecard_list(*, workspace_id: int, active: bool | None = None) -> QuerySet[Scorecard]:
    scorecards = Scorecard.objects.filter(workspace_id=workspace_id)
    if active is not None:
        scorecards = scorecards.filter(active=active)
    return scorecards.prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk"))
    ).order_by("name", "pk")


def scorecard_get(*, workspace_id: int, scorecard_id: int) -> Scorecard:
    scorecard = scorecard_list(workspace_id=workspace_id).filter(pk=scorecard_id).first()
    if scorecard is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such scorecard.")
    return scorecard


def review_list(
    *, member: Member, agent_id: int | None = None, conversation_id: int | None = None
) -> QuerySet[Review]:
    """Newest first. Supervisors see every review of the workspace; an agent only their own."""
    reviews = Review.objects.filter(workspace_id=member.workspace_id)
    if not member.is_supervising:
        reviews = reviews.filter(agent=member)
    if agent_id is not None:
        reviews = reviews.filter(agent_id=agent_id)
    if conversation_id is not None:
        reviews = reviews.filter(conversation_id=conversation_id)
    return reviews.select_related(
        "conversation__contact", "conversation__inbox", "agent__user", "reviewer__user"
    ).order_by("-created_at", "-pk")


def review_get(*, member: Member, review_id: int) -> Review:
    review = review_list(member=member).filter(pk=review_id).first()
    if review is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such review.")
    return review


def queue_list(
    *, member: Member, status: str | None = None, agent_id: int | None = None
) -> QuerySet[QueueItem]:
    """The review queue, oldest week first (supervisors only)."""
    if not member.is_supervising:
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Only supervisors and admins see the review queue."
        )
    items = QueueItem.objects.filter(workspace_id=member.workspace_id)
    if status:
        items = items.filter(status=status)
    if agent_id is not None:
        items = items.filter(agent_id=agent_id)
    return items.select_related(
        "conversation__contact", "conversation__inbox", "agent__user"
    ).order_by("week_start", "agent_id", "pk")


def queue_item_get(*, member: Member, item_id: int) -> QueueItem:
    item = queue_list(member=member).filter(pk=item_id).first()
    if item is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such queue item.")
    return item


REVIEW_GROUPS = {"member": "agent", "team": "conversation__team"}


def review_scores(
    *, workspace_id: int, start: datetime, end: datetime, by: str
) -> dict[int, tuple[float, int]]:
    """Mean review score and number of reviews made in [start, end), per reviewed agent or per
    the conversation's team: one grouped query (for KPIs)."""
    field = REVIEW_GROUPS[by]
    rows = (
        Review.objects.filter(workspace_id=workspace_id, created_at__gte=start, created_at__lt=end)
        .exclude(**{f"{field}__isnull": True})
        .values(field)
        .annotate(mean=Avg("score"), reviews=Count("pk"))
        .order_by(field)
    )
    return {row[field]: (round(float(row["mean"]), 2), row["reviews"]) for row in rows}

"""Reviews: a supervisor scores a resolved conversation against a scorecard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from parley.accounts.models import Member
from parley.accounts.services import audit_record
from parley.conversations.models import Conversation
from parley.errors import ApplicationError, ErrorCode
from parley.quality.models import QueueItem, QueueStatus, Review, Scorecard
from parley.quality.scoring import ScoredCriterion, review_total
from parley.quality.services.common import clean_text, require_supervising

COMMENT_MAX = 2000


@dataclass(frozen=True)
class ScoreInput:
    criterion: int  # the criterion's id (in the scorecard, or in a review's snapshot)
    score: int
    comment: str = ""


def _snapshot(scorecard: Scorecard) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "label": c.label,
            "description": c.description,
            "weight": c.weight,
            "max_score": c.max_score,
            "critical": c.critical,
        }
        for c in scorecard.criteria.all()
    ]


def _scored(criteria: list[dict[str, Any]], scores: list[ScoreInput]) -> list[dict[str, Any]]:
    """The criteria with their scores: every criterion exactly once, each within its range."""
    given = {s.criterion: s for s in scores}
    known = {c["id"] for c in criteria}
    if len(given) != len(scores) or set(given) != known:
        raise ApplicationError(
            ErrorCode.INVALID,
            "Score every criterion of the scorecard exactly once.",
            fields={"scores": "one per criterion"},
        )
    out = []
    for c in criteria:
        s = given[c["id"]]
        if not 0 <= s.score <= c["max_score"]:
            raise ApplicationError(
                ErrorCode.INVALID,
                f"{c['label']} is scored from 0 to {c['max_score']}.",
                fields={"scores": {str(c["id"]): f"0 to {c['max_score']}"}},
            )
        comment = clean_text(s.comment, field="comment", max_length=COMMENT_MAX, required=False)
        out.append({**c, "score": s.score, "comment": comment})
    return out


def _apply_total(review: Review, scored: list[dict[str, Any]]) -> None:
    total = review_total(
        [
            ScoredCriterion(
                weight=c["weight"],
                max_score=c["max_score"],
                score=c["score"],
                critical=c["critical"],
            )
            for c in scored
        ]
    )
    review.criteria = scored
    review.score = total.score
    review.critical_failed = total.critical_failed


@transaction.atomic
def review_create(
    *,
    actor: Member,
    conversation: Conversation,
    scorecard: Scorecard,
    scores: list[ScoreInput],
    comment: str = "",
) -> Review:
    """Score a resolved conversation. The reviewed agent is its assignee; the scorecard's
    criteria are copied into the review; a queued item for the conversation is marked done."""
    require_supervising(actor, "review conversations")
    if conversation.workspace_id != actor.workspace_id or scorecard.workspace_id != (
        actor.workspace_id
    ):
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such conversation or scorecard.")
    if not scorecard.active:
        raise ApplicationError(
            ErrorCode.INVALID, "This scorecard is not active.", fields={"scorecard": "inactive"}
        )
    if conversation.resolved_at is None:
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION, "Only resolved conversations are reviewed."
        )
    if conversation.assignee_id is None:
        raise ApplicationError(
            ErrorCode.INVALID,
            "This conversation has no assignee to review.",
            fields={"conversation": "no assignee"},
        )
    if conversation.assignee_id == actor.pk:
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Nobody reviews their own work.")
    review = Review(
        workspace_id=actor.workspace_id,
        conversation=conversation,
        scorecard=scorecard,
        scorecard_name=scorecard.name,
        scorecard_version=scorecard.version,
        agent_id=conversation.assignee_id,
        reviewer=actor,
        comment=clean_text(comment, field="comment", max_length=COMMENT_MAX, required=False),
    )
    _apply_total(review, _scored(_snapshot(scorecard), scores))
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as exc:
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION,
            "This conversation has a review with this scorecard; change that review instead.",
        ) from exc
    QueueItem.objects.filter(conversation=conversation, status=QueueStatus.PENDING).update(
        status=QueueStatus.DONE, review=review, completed_at=timezone.now()
    )
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="quality.review_created",
        target=review,
        data={
            "conversation": conversation.pk,
            "agent": conversation.assignee_id,
            "scorecard": scorecard.pk,
            "version": scorecard.version,
            "score": review.score,
        },
    )
    return review


@transaction.atomic
def review_update(
    *,
    actor: Member,
    review: Review,
    scores: list[ScoreInput] | None = None,
    comment: str | None = None,
) -> Review:
    """Change the scores or comment, against the criteria the review was made with (a later
    edit of the scorecard does not apply)."""
    require_supervising(actor, "review conversations")
    before = review.score
    if scores is not None:
        criteria = [
            {k: v for k, v in c.items() if k not in ("score", "comment")} for c in review.criteria
        ]
        _apply_total(review, _scored(criteria, scores))
    if comment is not None:
        review.comment = clean_text(
            comment, field="comment", max_length=COMMENT_MAX, required=False
        )
    review.save()
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="quality.review_updated",
        target=review,
        data={"score": [before, review.score]},
    )
    return review


@transaction.atomic
def queue_item_skip(*, actor: Member, item: QueueItem) -> QueueItem:
    require_supervising(actor, "manage the review queue")
    if item.status != QueueStatus.PENDING:
        raise ApplicationError(ErrorCode.INVALID_TRANSITION, "This item is not pending.")
    item.status = QueueStatus.SKIPPED
    item.completed_at = timezone.now()
    item.save(update_fields=["status", "completed_at"])
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="quality.queue_item_skipped",
        target=item,
        data={"conversation": item.conversation_id},
    )
    return item

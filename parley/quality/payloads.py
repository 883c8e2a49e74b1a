"""How quality rows look on the wire."""

from __future__ import annotations

from typing import Any

from parley.accounts.models import Member
from parley.conversations.models import Conversation
from parley.quality.models import QueueItem, Review, Scorecard


def _member(member: Member | None) -> dict[str, Any] | None:
    return {"id": member.pk, "name": member.name} if member is not None else None


def _conversation(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": conversation.pk,
        "contact": {"id": conversation.contact_id, "name": conversation.contact.name},
        "inbox": {"id": conversation.inbox_id, "name": conversation.inbox.name},
        "resolved_at": conversation.resolved_at.isoformat() if conversation.resolved_at else None,
    }


def scorecard_payload(scorecard: Scorecard) -> dict[str, Any]:
    return {
        "id": scorecard.pk,
        "name": scorecard.name,
        "active": scorecard.active,
        "version": scorecard.version,
        "criteria": [
            {
                "id": c.pk,
                "label": c.label,
                "description": c.description,
                "weight": c.weight,
                "max_score": c.max_score,
                "critical": c.critical,
            }
            for c in scorecard.criteria.all()
        ],
        "updated_at": scorecard.updated_at.isoformat(),
    }


def review_payload(review: Review) -> dict[str, Any]:
    return {
        "id": review.pk,
        "conversation": _conversation(review.conversation),
        "agent": _member(review.agent),
        "reviewer": _member(review.reviewer),
        "scorecard": {
            "id": review.scorecard_id,
            "name": review.scorecard_name,
            "version": review.scorecard_version,
        },
        "criteria": review.criteria,
        "score": review.score,
        "critical_failed": review.critical_failed,
        "comment": review.comment,
        "created_at": review.created_at.isoformat(),
        "updated_at": review.updated_at.isoformat(),
    }


def queue_item_payload(item: QueueItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "conversation": _conversation(item.conversation),
        "agent": _member(item.agent),
        "week_start": item.week_start.isoformat(),
        "status": item.status,
        "review": item.review_id,
        "created_at": item.created_at.isoformat(),
    }

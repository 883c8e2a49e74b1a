"""Conversations with a history, for quality and KPI tests: timestamps set as if they had
happened (``created_at`` is auto_now_add, so it is written after the insert)."""

from __future__ import annotations

from datetime import datetime, timedelta

from parley.accounts.models import Member, Team
from parley.conversations.models import Conversation, CsatResponse, Status
from parley.inboxes.models import Inbox
from parley.quality.models import Scorecard
from parley.quality.services import CriterionInput, scorecard_create
from tests.factories import ConversationFactory


def handled_conversation(
    *,
    inbox: Inbox,
    agent: Member | None,
    assigned_at: datetime,
    team: Team | None = None,
    first_response_after: timedelta | None = None,
    resolved_after: timedelta | None = None,
    created_before: timedelta = timedelta(minutes=1),
) -> Conversation:
    resolved_at = assigned_at + resolved_after if resolved_after is not None else None
    conversation: Conversation = ConversationFactory(
        inbox=inbox,
        assignee=agent,
        team=team,
        status=Status.RESOLVED if resolved_at else Status.OPEN,
        assigned_at=assigned_at,
        resolved_at=resolved_at,
        first_response_at=assigned_at + first_response_after
        if first_response_after is not None
        else None,
    )
    Conversation.objects.filter(pk=conversation.pk).update(created_at=assigned_at - created_before)
    conversation.refresh_from_db()
    return conversation


def rate(conversation: Conversation, rating: int) -> CsatResponse:
    """The customer's answer, with the snapshot csat_request takes at resolve time."""
    assert conversation.resolved_at is not None
    return CsatResponse.objects.create(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        inbox_id=conversation.inbox_id,
        assignee_id=conversation.assignee_id,
        team_id=conversation.team_id,
        resolved_at=conversation.resolved_at,
        expires_at=conversation.resolved_at + timedelta(days=30),
        rating=rating,
        answered_at=conversation.resolved_at,
    )


def make_scorecard(actor: Member, name: str = "Chat quality") -> Scorecard:
    """Greeting (weight 1, pass/fail), Accuracy (weight 3, 0–4), No data leak (weight 1,
    pass/fail, critical)."""
    return scorecard_create(
        actor=actor,
        name=name,
        criteria=[
            CriterionInput(label="Greeting", weight=1, max_score=1),
            CriterionInput(label="Accuracy", description="Right answer", weight=3, max_score=4),
            CriterionInput(label="No data leak", weight=1, max_score=1, critical=True),
        ],
    )

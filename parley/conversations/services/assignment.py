"""Use cases that change who handles a conversation: assignee and team."""

from __future__ import annotations

from django.db import transaction

from parley.accounts.models import Member, Team
from parley.accounts.services import audit_record
from parley.conversations import policies
from parley.conversations.models import (
    Conversation,
    Status,
)
from parley.conversations.services.timeline import (
    append_event,
    lock_conversation,
    save_state,
)
from parley.errors import ApplicationError, ErrorCode


@transaction.atomic
def conversation_assign(
    *, conversation: Conversation, assignee: Member | None, actor: Member
) -> Conversation:
    locked = lock_conversation(conversation.pk)
    if assignee is not None and (
        assignee.workspace_id != locked.workspace_id or not assignee.is_active
    ):
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such member.")
    if not policies.can_assign(actor=actor, conversation=locked, assignee=assignee):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Your role may not make this assignment."
        )
    if locked.assignee_id == (assignee.pk if assignee else None):
        return locked
    previous = locked.assignee_id
    locked.assignee = assignee
    if assignee is not None and locked.status in {Status.QUEUED, Status.BOT}:
        locked.status = Status.OPEN
    elif assignee is None and locked.status == Status.OPEN:
        locked.status = Status.QUEUED
    if assignee is not None:
        body = f"Assigned to {assignee.name} by {actor.name}"
    else:
        body = f"Unassigned by {actor.name}"
    append_event(
        locked,
        body=body,
        internal=True,
        data={
            "event": "assigned",
            "assignee": assignee.pk if assignee else None,
            "previous": previous,
            "by": actor.pk,
        },
    )
    save_state(locked, "assignee", "status", also_tell=[previous] if previous else None)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="conversation.assigned",
        target=locked,
        data={"assignee": locked.assignee_id, "previous": previous},
    )
    return locked


@transaction.atomic
def conversation_set_team(
    *, conversation: Conversation, team: Team | None, actor: Member
) -> Conversation:
    locked = lock_conversation(conversation.pk)
    if team is not None and team.workspace_id != locked.workspace_id:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such team.")
    if not policies.can_change_status(actor=actor, conversation=locked):
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Your role may not move this.")
    if locked.team_id == (team.pk if team else None):
        return locked
    previous = locked.team_id
    locked.team = team
    append_event(
        locked,
        body=f"Team set to {team.name}" if team else "Team removed",
        internal=True,
        data={
            "event": "team_changed",
            "team": team.pk if team else None,
            "previous": previous,
            "by": actor.pk,
        },
    )
    save_state(locked, "team")
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="conversation.team_changed",
        target=locked,
        data={"team": locked.team_id, "previous": previous},
    )
    return locked

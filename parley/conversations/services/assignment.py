"""Use cases that change who handles a conversation: assignee and team."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from parley.accounts.models import Member, Team
from parley.accounts.services import audit_record
from parley.analytics import events as reporting
from parley.conversations import policies, realtime
from parley.conversations.models import (
    Conversation,
    Message,
    MessageKind,
    Status,
)
from parley.conversations.services.timeline import (
    Sender,
    append_entry,
    append_event,
    lock_conversation,
    save_state,
)
from parley.conversations.text import clean_body
from parley.errors import ApplicationError, ErrorCode

# Shared by conversation_assign and the bulk path (parley/tickets/services/bulk.py).


def assign_check(*, actor: Member, conversation: Conversation, assignee: Member | None) -> None:
    if assignee is not None and (
        assignee.workspace_id != conversation.workspace_id or not assignee.is_active
    ):
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such member.")
    if not policies.can_assign(actor=actor, conversation=conversation, assignee=assignee):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Your role may not make this assignment."
        )


def status_after_assign(status: str, assignee: Member | None) -> str:
    """Someone taking a waiting conversation opens it; nobody holding an open one queues it."""
    if assignee is not None and status in {Status.QUEUED, Status.BOT}:
        return Status.OPEN
    if assignee is None and status == Status.OPEN:
        return Status.QUEUED
    return status


def assign_event(
    *, actor: Member, assignee: Member | None, previous: int | None
) -> tuple[str, dict[str, Any]]:
    """The (internal) timeline event's body and data."""
    if assignee is not None:
        body = f"Assigned to {assignee.name} by {actor.name}"
    else:
        body = f"Unassigned by {actor.name}"
    data = {
        "event": "assigned",
        "assignee": assignee.pk if assignee else None,
        "previous": previous,
        "by": actor.pk,
    }
    return body, data


@transaction.atomic
def conversation_assign(
    *, conversation: Conversation, assignee: Member | None, actor: Member
) -> Conversation:
    locked = lock_conversation(conversation.pk)
    assign_check(actor=actor, conversation=locked, assignee=assignee)
    if locked.assignee_id == (assignee.pk if assignee else None):
        return locked
    previous = locked.assignee_id
    locked.assignee = assignee
    locked.status = status_after_assign(locked.status, assignee)
    body, data = assign_event(actor=actor, assignee=assignee, previous=previous)
    append_event(locked, body=body, internal=True, data=data)
    save_state(locked, "assignee", "status", also_tell=[previous] if previous else None)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="conversation.assigned",
        target=locked,
        data={"assignee": locked.assignee_id, "previous": previous},
    )
    _automation_after_update(locked, ["assignee"])
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
    _automation_after_update(locked, ["team"])
    return locked


def _pending_team_transfer(conversation: Conversation) -> Message | None:
    """The transfer-to-team event waiting for routing, if that is the timeline's last event."""
    last = conversation.messages.filter(kind=MessageKind.EVENT).order_by("-seq").first()
    if last is not None and last.data.get("event") == "transferred" and last.data.get("to_team"):
        return last
    return None


def _notify_transfer(to: Member, conversation: Conversation, by_id: int | None, note: str) -> None:
    by = Member.objects.select_related("user").filter(pk=by_id).first() if by_id else None
    realtime.publish_on_commit(
        [realtime.member_group(to.pk)],
        {
            "type": "notification",
            "kind": "transfer",
            "conversation": conversation.pk,
            "by": {"id": by.pk, "name": by.name} if by else None,
            "note": note.strip()[:500],
        },
    )


def conversation_route_to(*, conversation: Conversation, member: Member, reason: str) -> None:
    """Routing gives a queued conversation to an agent. The caller holds the locks (the
    conversation's row and the agents' capacity rows) and has checked capacity."""
    handed_over = _pending_team_transfer(conversation)
    conversation.assignee = member
    conversation.status = Status.OPEN
    if handed_over is not None:
        # A transfer to a team reaches a person here: tell them as a direct transfer would.
        _notify_transfer(
            member, conversation, handed_over.data.get("by"), handed_over.data.get("note", "")
        )
    append_event(
        conversation,
        body=f"Routed to {member.name} ({reason})",
        internal=True,
        data={
            "event": "assigned",
            "assignee": member.pk,
            "previous": None,
            "by": None,
            "reason": reason,
        },
    )
    # route=False: this is routing's own move; it goes on with the queue by itself.
    save_state(conversation, "assignee", "status", route=False)


@transaction.atomic
def conversation_transfer(
    *,
    conversation: Conversation,
    actor: Member,
    to_member: Member | None = None,
    to_team: Team | None = None,
    note: str = "",
) -> Conversation:
    """Hand a conversation to another agent, or to a team through routing, with an internal
    note for whoever picks it up. The receiver is told; the timeline records it."""
    if (to_member is None) == (to_team is None):
        raise ApplicationError(
            ErrorCode.INVALID,
            "Transfer to one agent or one team.",
            fields={"to": "one of assignee, team"},
        )
    locked = lock_conversation(conversation.pk)
    target_workspace = (to_member or to_team).workspace_id  # type: ignore[union-attr]
    if target_workspace != locked.workspace_id or (to_member and not to_member.is_active):
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such agent or team.")
    if not policies.can_change_status(actor=actor, conversation=locked):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED,
            "Only the assignee or a supervisor may transfer this conversation.",
        )
    if note.strip():
        append_entry(locked, sender=Sender.of_member(actor), body=clean_body(note), private=True)
    previous = locked.assignee_id
    if to_member is not None:
        locked.assignee = to_member
        if locked.status in {Status.QUEUED, Status.BOT}:
            locked.status = Status.OPEN
        body = f"{actor.name} transferred the conversation to {to_member.name}"
        data = {
            "event": "transferred",
            "to_member": to_member.pk,
            "previous": previous,
            "by": actor.pk,
        }
    else:
        assert to_team is not None
        locked.team = to_team
        locked.assignee = None
        if locked.status in {Status.OPEN, Status.BOT}:
            locked.status = Status.QUEUED
        body = f"{actor.name} transferred the conversation to {to_team.name}"
        data = {
            "event": "transferred",
            "to_team": to_team.pk,
            "previous": previous,
            "by": actor.pk,
            "note": note.strip()[:500],
        }
    append_event(locked, body=body, internal=True, data=data)
    reporting.event_transferred(conversation=locked, from_member_id=previous)
    save_state(locked, "assignee", "team", "status", also_tell=[previous] if previous else None)
    if to_member is not None:
        _notify_transfer(to_member, locked, actor.pk, note)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="conversation.transferred",
        target=locked,
        data={k: v for k, v in data.items() if k != "event"},
    )
    _automation_after_update(locked, ["assignee", "team"])
    return locked


def _automation_after_update(conversation: Conversation, changed: list[str]) -> None:
    # Imported here: automation builds on these services.
    from parley.automation.hooks import automation_after_update

    automation_after_update(conversation=conversation, changed=changed)

"""An agent applies a macro to a conversation: every action, as that agent, in one
transaction. Each action goes through the service a member would use by hand (status,
assignment, team, ticket tags, sending), so its permission checks, events and audit records
apply: a macro never lets an agent do what they may not do, and one refused action undoes the
whole macro."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from parley.accounts.models import Member, Team
from parley.accounts.services import audit_record
from parley.automation.effects import ByMember, Skipped, priority_set
from parley.automation.hooks import automation_after_update
from parley.automation.models import Macro
from parley.conversations import policies
from parley.conversations.canned import canned_render
from parley.conversations.models import CannedResponse, Conversation
from parley.conversations.services import (
    Sender,
    conversation_assign,
    conversation_set_status,
    conversation_set_team,
    message_send,
)
from parley.conversations.services.timeline import lock_conversation
from parley.errors import ApplicationError, ErrorCode
from parley.tickets.models import Ticket
from parley.tickets.services import TicketChanges, ticket_update
from parley.tickets.status import PRIORITY_BY_NAME


@dataclass(frozen=True)
class MacroResult:
    conversation: Conversation
    results: list[dict[str, Any]]


@transaction.atomic
def macro_apply(*, macro: Macro, conversation: Conversation, actor: Member) -> MacroResult:
    if macro.workspace_id != actor.workspace_id or conversation.workspace_id != actor.workspace_id:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such macro.")
    results: list[dict[str, Any]] = []
    for action in macro.actions:
        kind = action["type"]
        try:
            detail = _apply(conversation.pk, action, actor)
        except Skipped as skipped:
            results.append({"type": kind, "outcome": "skipped", "detail": str(skipped)})
        else:
            results.append({"type": kind, "outcome": "applied", "detail": detail})
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="automation.macro_applied",
        target=conversation,
        data={"macro": macro.pk, "name": macro.name},
    )
    return MacroResult(conversation=lock_conversation(conversation.pk), results=results)


def _apply(conversation_id: int, action: dict[str, Any], actor: Member) -> str:
    # Each service locks the conversation itself and sees what the previous action did.
    current = lock_conversation(conversation_id)
    kind = action["type"]
    if kind == "set_status":
        conversation_set_status(conversation=current, status=action["status"], actor=actor)
        return str(action["status"])
    if kind == "set_priority":
        return _set_priority(current, action["priority"], actor)
    if kind == "assign_agent":
        assignee = Member.objects.filter(
            workspace_id=actor.workspace_id, pk=action["member"]
        ).first()
        if assignee is None:
            raise ApplicationError(ErrorCode.NOT_FOUND, "The macro's agent no longer exists.")
        conversation_assign(conversation=current, assignee=assignee, actor=actor)
        return assignee.name
    if kind == "assign_team":
        team = Team.objects.filter(workspace_id=actor.workspace_id, pk=action["team"]).first()
        if team is None:
            raise ApplicationError(ErrorCode.NOT_FOUND, "The macro's team no longer exists.")
        conversation_set_team(conversation=current, team=team, actor=actor)
        return team.name
    if kind in {"add_tag", "remove_tag"}:
        return _change_tag(current, action["tag"], actor, add=kind == "add_tag")
    if kind in {"send_canned", "send_text"}:
        body = action.get("text", "")
        if kind == "send_canned":
            canned = CannedResponse.objects.filter(
                workspace_id=actor.workspace_id, pk=action["canned"]
            ).first()
            if canned is None:
                raise ApplicationError(ErrorCode.NOT_FOUND, "The macro's reply no longer exists.")
            body = canned.body
        text = canned_render(body=body, contact=current.contact, agent=actor)
        message_send(conversation=current, sender=Sender.of_member(actor), body=text)
        return text[:80]
    if kind == "add_note":
        message_send(
            conversation=current, sender=Sender.of_member(actor), body=action["text"], private=True
        )
        return str(action["text"])[:80]
    raise ApplicationError(ErrorCode.INVALID, f"Unknown action {kind}.")


def _set_priority(conversation: Conversation, priority: str, actor: Member) -> str:
    ticket = Ticket.objects.filter(pk=conversation.pk).first()
    if ticket is not None:
        ticket_update(
            ticket=ticket, actor=actor, changes=TicketChanges(priority=PRIORITY_BY_NAME[priority])
        )
        return priority
    # A plain chat: the same rule as for tickets decides who may change it.
    if not policies.can_change_status(actor=actor, conversation=conversation):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Only the assignee or a supervisor may change this."
        )
    priority_set(conversation, priority=priority, by=ByMember(actor))
    automation_after_update(conversation=conversation, changed=["priority"])
    return priority


def _change_tag(conversation: Conversation, tag: str, actor: Member, *, add: bool) -> str:
    ticket = Ticket.objects.filter(pk=conversation.pk).first()
    if ticket is None:
        raise Skipped("not a ticket: tags live on tickets")
    names = list(ticket.tags.values_list("name", flat=True))
    if add == (tag in names):
        raise Skipped(f"already tagged {tag}" if add else f"not tagged {tag}")
    new = [*names, tag] if add else [n for n in names if n != tag]
    ticket_update(ticket=ticket, actor=actor, changes=TicketChanges(tags=new))
    return tag

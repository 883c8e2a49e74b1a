"""What a rule's actions do to a conversation, acting as the rule rather than as a member.

Each effect changes a conversation its caller has locked, adds an internal timeline event that
names the rule ("Rule 'VIP' set the priority to urgent") and saves through the conversation's
own `save_state`, so fan-out, queue clocks and routing follow as for any other change. An effect
that has nothing to do raises `Skipped` with the reason, which the rule log shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from parley.accounts.models import Member, Team
from parley.conversations.canned import canned_render
from parley.conversations.models import CannedResponse, Conversation, Status
from parley.conversations.services.timeline import SYSTEM, append_entry, append_event, save_state
from parley.conversations.text import clean_body
from parley.tickets.models import Ticket
from parley.tickets.services.common import (
    TAGS_PER_TICKET,
    publish_ticket_updated,
    tags_ensure,
)
from parley.tickets.status import PRIORITY_BY_NAME, PRIORITY_NAME


class Skipped(Exception):
    """Nothing to do (already so, or not possible for this conversation); not a failure."""


@dataclass(frozen=True)
class ByRule:
    rule_id: int
    name: str

    @property
    def label(self) -> str:
        return f"Rule '{self.name}'"

    @property
    def marks(self) -> dict[str, Any]:
        """What the timeline's data says of who did it."""
        return {"by": None, "rule": self.rule_id}


@dataclass(frozen=True)
class ByMember:
    """A member applying a macro; used where no service of the member's own exists."""

    member: Member

    @property
    def label(self) -> str:
        return self.member.name

    @property
    def marks(self) -> dict[str, Any]:
        return {"by": self.member.pk}


By = ByRule | ByMember


def _event(conversation: Conversation, by: By, body: str, data: dict[str, Any]) -> None:
    append_event(conversation, body=f"{by.label} {body}", internal=True, data={**data, **by.marks})


def team_set(conversation: Conversation, *, team_id: int, by: By) -> str:
    team = Team.objects.filter(workspace_id=conversation.workspace_id, pk=team_id).first()
    if team is None:
        raise LookupError("the team no longer exists")
    if conversation.team_id == team.pk:
        raise Skipped(f"already with {team.name}")
    previous = conversation.team_id
    conversation.team = team
    _event(
        conversation,
        by,
        f"set the team to {team.name}",
        {"event": "team_changed", "team": team.pk, "previous": previous},
    )
    # save_state asks routing to look at the inbox after commit: a queued conversation now
    # goes to a free member of this team.
    save_state(conversation, "team")
    return team.name


def agent_assign(conversation: Conversation, *, member_id: int, by: By) -> str:
    member = (
        Member.objects.select_related("user")
        .filter(workspace_id=conversation.workspace_id, pk=member_id, is_active=True)
        .first()
    )
    if member is None:
        raise LookupError("the member no longer exists or is inactive")
    if conversation.assignee_id == member.pk:
        raise Skipped(f"already assigned to {member.name}")
    if conversation.status == Status.RESOLVED:
        raise Skipped("the conversation is resolved")
    previous = conversation.assignee_id
    conversation.assignee = member
    if conversation.status in {Status.QUEUED, Status.BOT}:
        conversation.status = Status.OPEN
    _event(
        conversation,
        by,
        f"assigned the conversation to {member.name}",
        {"event": "assigned", "assignee": member.pk, "previous": previous},
    )
    save_state(conversation, "assignee", "status", also_tell=[previous] if previous else None)
    return member.name


def priority_set(conversation: Conversation, *, priority: str, by: By) -> str:
    value = PRIORITY_BY_NAME[priority]
    if conversation.priority == value:
        raise Skipped(f"already {priority}")
    previous = PRIORITY_NAME[conversation.priority]
    conversation.priority = value
    _event(
        conversation,
        by,
        f"set the priority to {priority}",
        {"event": "priority_changed", "from": previous, "to": priority},
    )
    save_state(conversation, "priority")
    return priority


def tag_add(conversation: Conversation, *, tag: str, by: By) -> str:
    """Tags live on tickets. A plain chat is not made a ticket for a tag (that would e-mail the
    customer a ticket number); the action is skipped and the rule log says why."""
    ticket = Ticket.objects.filter(pk=conversation.pk).first()
    if ticket is None:
        raise Skipped("not a ticket: tags live on tickets")
    names = set(ticket.tags.values_list("name", flat=True))
    if tag in names:
        raise Skipped(f"already tagged {tag}")
    if len(names) >= TAGS_PER_TICKET:
        raise Skipped(f"the ticket has {TAGS_PER_TICKET} tags already")
    ticket.tags.add(*tags_ensure(workspace_id=conversation.workspace_id, names=[tag]))
    _event(conversation, by, f"added the tag {tag}", {"event": "tagged", "tag": tag})
    ticket.conversation = conversation
    publish_ticket_updated(ticket)
    return tag


def canned_send(conversation: Conversation, *, canned_id: int, by: By) -> str:
    """A public reply from the system, its variables filled for this customer."""
    canned = CannedResponse.objects.filter(
        workspace_id=conversation.workspace_id, pk=canned_id
    ).first()
    if canned is None:
        raise LookupError("the canned response no longer exists")
    body = canned_render(
        body=canned.body, contact=conversation.contact, agent=conversation.assignee
    )
    append_entry(
        conversation,
        sender=SYSTEM,
        body=clean_body(body),
        data={**by.marks, "canned": canned.pk},
    )
    return f"/{canned.shortcut}"


def note_add(conversation: Conversation, *, text: str, by: By) -> str:
    append_entry(
        conversation,
        sender=SYSTEM,
        body=clean_body(f"{by.label}: {text}"),
        private=True,
        data=by.marks,
    )
    return text[:80]


def spam_mark(conversation: Conversation, *, by: By) -> str:
    """Spam is resolved at once, unassigned, without a satisfaction survey (save_state skips
    it) and without telling the customer (the event is internal), and kept out of lists."""
    if conversation.spam:
        raise Skipped("already spam")
    previous = conversation.status
    conversation.spam = True
    conversation.status = Status.RESOLVED
    conversation.resolved_at = timezone.now()
    released = conversation.assignee_id
    conversation.assignee = None
    _event(
        conversation,
        by,
        "marked the conversation as spam",
        {"event": "status_changed", "from": previous, "to": Status.RESOLVED, "spam": True},
    )
    save_state(
        conversation,
        "spam",
        "status",
        "resolved_at",
        "assignee",
        also_tell=[released] if released else None,
    )
    return "spam"


def apply_rule_action(conversation: Conversation, action: dict[str, Any], by: ByRule) -> str:
    kind = action["type"]
    if kind == "assign_team":
        return team_set(conversation, team_id=action["team"], by=by)
    if kind == "assign_agent":
        return agent_assign(conversation, member_id=action["member"], by=by)
    if kind == "set_priority":
        return priority_set(conversation, priority=action["priority"], by=by)
    if kind == "add_tag":
        return tag_add(conversation, tag=action["tag"], by=by)
    if kind == "send_canned":
        return canned_send(conversation, canned_id=action["canned"], by=by)
    if kind == "add_note":
        return note_add(conversation, text=action["text"], by=by)
    if kind == "mark_spam":
        return spam_mark(conversation, by=by)
    raise ValueError(f"unknown action {kind}")

"""Macros: applied as the agent, every action or none, within the agent's permissions."""

from __future__ import annotations

import pytest

from parley.accounts.models import AuditEvent
from parley.automation.macro_apply import macro_apply
from parley.automation.services import MacroInput, macro_create
from parley.conversations.models import (
    CannedResponse,
    CannedScope,
    Conversation,
    Priority,
    SenderType,
    Status,
)
from parley.conversations.services import conversation_assign
from parley.errors import ApplicationError, ErrorCode
from parley.tickets.models import CreatedVia
from parley.tickets.services import ticket_create
from tests.conftest import World
from tests.factories import ConversationFactory

pytestmark = pytest.mark.django_db


def chat(world: World) -> Conversation:
    return ConversationFactory(inbox=world.inbox, contact=world.contact)


def test_a_macro_applies_every_action_as_the_agent(world: World) -> None:
    canned = CannedResponse.objects.create(
        workspace=world.workspace,
        scope=CannedScope.WORKSPACE,
        shortcut="wait",
        title="Wait",
        body="Hi {{contact.name}}, {{agent.name}} is checking.",
    )
    macro = macro_create(
        actor=world.agent,
        data=MacroInput(
            name="Checking",
            scope="personal",
            actions=[
                {"type": "assign_agent", "member": world.agent.pk},
                {"type": "set_priority", "priority": "high"},
                {"type": "send_canned", "canned": canned.pk},
                {"type": "add_note", "text": "Asked the warehouse"},
                {"type": "set_status", "status": "pending"},
            ],
        ),
    )
    conversation = chat(world)

    result = macro_apply(macro=macro, conversation=conversation, actor=world.agent)

    conversation.refresh_from_db()
    assert conversation.assignee_id == world.agent.pk
    assert conversation.priority == Priority.HIGH
    assert conversation.status == Status.PENDING
    reply = conversation.messages.get(sender_type=SenderType.AGENT, private=False)
    assert reply.body == f"Hi {world.contact.name}, {world.agent.name} is checking."
    assert conversation.messages.filter(private=True, body="Asked the warehouse").exists()
    assert [r["outcome"] for r in result.results] == ["applied"] * 5
    assert AuditEvent.objects.filter(action="automation.macro_applied").count() == 1


def test_one_refused_action_undoes_the_whole_macro(world: World) -> None:
    macro = macro_create(
        actor=world.supervisor,
        data=MacroInput(
            name="Close",
            scope="shared",
            actions=[
                {"type": "add_note", "text": "closing"},
                {"type": "set_status", "status": "resolved"},
            ],
        ),
    )
    conversation = chat(world)
    conversation_assign(
        conversation=conversation, assignee=world.other_agent, actor=world.supervisor
    )
    before = conversation.messages.count()

    # The agent may not resolve someone else's conversation, so the note goes too.
    with pytest.raises(ApplicationError) as refused:
        macro_apply(macro=macro, conversation=conversation, actor=world.agent)

    assert refused.value.code == ErrorCode.PERMISSION_DENIED
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    assert conversation.messages.count() == before


def test_tags_on_a_ticket_and_skipped_on_a_chat(world: World) -> None:
    macro = macro_create(
        actor=world.supervisor,
        data=MacroInput(
            name="VIP",
            scope="shared",
            actions=[{"type": "add_tag", "tag": "vip"}, {"type": "remove_tag", "tag": "new"}],
        ),
    )
    ticket = ticket_create(
        inbox=world.inbox,
        contact=world.contact,
        subject="Late",
        description="Where is it",
        created_via=CreatedVia.CONSOLE,
        actor=world.supervisor,
        tags=["new"],
    )

    on_ticket = macro_apply(macro=macro, conversation=ticket.conversation, actor=world.supervisor)
    on_chat = macro_apply(macro=macro, conversation=chat(world), actor=world.supervisor)

    assert list(ticket.tags.values_list("name", flat=True)) == ["vip"]
    assert [r["outcome"] for r in on_ticket.results] == ["applied", "applied"]
    assert [r["outcome"] for r in on_chat.results] == ["skipped", "skipped"]


def test_agents_cannot_make_shared_macros(world: World) -> None:
    with pytest.raises(ApplicationError) as refused:
        macro_create(
            actor=world.agent,
            data=MacroInput(name="x", scope="shared", actions=[{"type": "add_note", "text": "x"}]),
        )
    assert refused.value.code == ErrorCode.PERMISSION_DENIED


def test_a_personal_macro_may_only_send_replies_its_owner_sees(world: World) -> None:
    theirs = CannedResponse.objects.create(
        workspace=world.workspace,
        scope=CannedScope.PERSONAL,
        owner=world.other_agent,
        shortcut="mine",
        title="Mine",
        body="private",
    )
    with pytest.raises(ApplicationError) as refused:
        macro_create(
            actor=world.agent,
            data=MacroInput(
                name="x", scope="personal", actions=[{"type": "send_canned", "canned": theirs.pk}]
            ),
        )
    assert refused.value.fields == {"actions[0].canned": "no such canned response"}

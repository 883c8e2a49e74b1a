"""Services that change conversations: state, timeline entries, events and audit records."""

from __future__ import annotations

import uuid

import pytest

from parley.accounts.models import AuditEvent
from parley.conversations import services
from parley.conversations.models import Message, SenderType, Status
from parley.conversations.realtime import contact_group, inbox_group, member_group
from parley.conversations.services import Sender
from parley.errors import ApplicationError, ErrorCode
from tests.factories import ConversationFactory, MemberFactory, TeamFactory


@pytest.fixture
def conversation(world):
    return ConversationFactory(inbox=world.inbox, contact=world.contact)


def test_send_message_stores_it_with_the_next_seq_and_publishes_after_commit(
    world, conversation, published
):
    with published.committing():
        first = services.message_send(
            conversation=conversation, sender=Sender.of_contact(world.contact), body="hello"
        )
        second = services.message_send(
            conversation=conversation, sender=Sender.of_contact(world.contact), body="anyone?"
        )

    assert (first.message.seq, second.message.seq) == (1, 2)
    conversation.refresh_from_db()
    assert conversation.last_seq == 2
    created = published.frames("message.created")
    assert [f["message"]["body"] for f in created] == ["hello", "anyone?"]
    assert published.groups_of("message.created")[0] == [
        inbox_group(world.inbox.pk),
        contact_group(world.contact.pk),
    ]
    assert created[0]["message"]["sender"] == {
        "type": "contact",
        "id": world.contact.pk,
        "name": world.contact.name,
    }


def test_nothing_is_published_when_the_transaction_rolls_back(world, conversation, published):
    from django.db import transaction

    with published.committing(), pytest.raises(RuntimeError), transaction.atomic():
        services.message_send(
            conversation=conversation, sender=Sender.of_contact(world.contact), body="lost"
        )
        raise RuntimeError("the request failed after the message was written")

    assert published.sent == []
    assert not Message.objects.filter(conversation=conversation).exists()


def test_same_client_id_twice_stores_one_message_and_returns_it_again(
    world, conversation, published
):
    client_id = uuid.uuid4()
    with published.committing():
        first = services.message_send(
            conversation=conversation,
            sender=Sender.of_contact(world.contact),
            body="once",
            client_id=client_id,
        )
        retry = services.message_send(
            conversation=conversation,
            sender=Sender.of_contact(world.contact),
            body="once",
            client_id=str(client_id),
        )

    assert first.created and not retry.created
    assert retry.message.pk == first.message.pk and retry.message.seq == first.message.seq
    assert Message.objects.filter(conversation=conversation).count() == 1
    assert len(published.frames("message.created")) == 1


def test_the_same_client_id_in_another_conversation_is_a_different_message(world):
    client_id = uuid.uuid4()
    one = ConversationFactory(inbox=world.inbox, contact=world.contact)
    two = ConversationFactory(inbox=world.inbox, contact=world.contact)
    for conversation in (one, two):
        services.message_send(
            conversation=conversation,
            sender=Sender.of_contact(world.contact),
            body="hi",
            client_id=client_id,
        )
    assert Message.objects.filter(client_id=client_id).count() == 2


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("", ErrorCode.BODY_EMPTY),
        ("  \n\t ", ErrorCode.BODY_EMPTY),
        ("x" * 10_001, "body_too_long"),
    ],
)
def test_bad_bodies_are_refused_and_nothing_is_stored(world, conversation, body, code):
    services.message_send(
        conversation=conversation, sender=Sender.of_contact(world.contact), body="kept"
    )
    with pytest.raises(ApplicationError) as error:
        services.message_send(
            conversation=conversation, sender=Sender.of_contact(world.contact), body=body
        )
    assert error.value.code == code
    assert list(Message.objects.values_list("body", flat=True)) == ["kept"]
    conversation.refresh_from_db()
    assert conversation.last_seq == 1


def test_the_body_limit_is_configurable(world, conversation, settings):
    settings.PARLEY_MESSAGE_MAX_CHARS = 5
    with pytest.raises(ApplicationError, match="at most 5"):
        services.message_send(
            conversation=conversation, sender=Sender.of_contact(world.contact), body="123456"
        )


def test_control_and_bidi_override_characters_are_removed(world, conversation):
    result = services.message_send(
        conversation=conversation,
        sender=Sender.of_contact(world.contact),
        body="pay\u202eto\x00 me\r\nnow",
    )
    assert result.message.body == "payto me\nnow"


def test_a_private_note_reaches_staff_groups_only(world, conversation, published):
    conversation.assignee = world.agent
    conversation.save()
    with published.committing():
        services.message_send(
            conversation=conversation,
            sender=Sender.of_member(world.agent),
            body="customer seems upset",
            private=True,
        )
    (groups,) = published.groups_of("message.created")
    assert contact_group(world.contact.pk) not in groups
    assert groups == [inbox_group(world.inbox.pk), member_group(world.agent.pk)]


def test_contacts_cannot_write_private_notes(world, conversation):
    with pytest.raises(ApplicationError) as error:
        services.message_send(
            conversation=conversation,
            sender=Sender.of_contact(world.contact),
            body="x",
            private=True,
        )
    assert error.value.code == ErrorCode.PERMISSION_DENIED


def test_an_agents_first_reply_takes_an_unassigned_queued_conversation(
    world, conversation, published
):
    with published.committing():
        services.message_send(
            conversation=conversation, sender=Sender.of_member(world.agent), body="Hi, I'm here"
        )
    conversation.refresh_from_db()
    assert conversation.assignee == world.agent
    assert conversation.status == Status.OPEN
    kinds = list(conversation.messages.order_by("seq").values_list("kind", "data"))
    # "Agent joined" first, then the reply that made them join.
    assert kinds[0][0] == "event" and kinds[0][1]["event"] == "assigned"
    assert kinds[1] == ("text", {})
    updated = published.frames("conversation.updated", group=inbox_group(world.inbox.pk))
    assert updated[-1]["conversation"]["status"] == "open"
    # The state is announced as it stands at commit, the reply after the event included.
    assert updated[-1]["conversation"]["last_seq"] == 2


def test_a_contact_writing_into_a_resolved_conversation_reopens_it(world, conversation):
    conversation.status = Status.RESOLVED
    conversation.assignee = world.agent
    conversation.save()
    services.message_send(
        conversation=conversation, sender=Sender.of_contact(world.contact), body="one more thing"
    )
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    event = conversation.messages.get(kind="event")
    assert event.data["event"] == "reopened"
    assert event.seq == 1  # the reopening, then the message that caused it


def test_a_contact_reply_moves_pending_back_to_open(world, conversation):
    conversation.status = Status.PENDING
    conversation.save()
    services.message_send(
        conversation=conversation, sender=Sender.of_contact(world.contact), body="done"
    )
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN


def test_contact_message_without_conversation_starts_one_and_then_reuses_it(world, published):
    with published.committing():
        first = services.contact_message_send(
            contact=world.contact,
            inbox=world.inbox,
            conversation_id=None,
            body="hi",
            client_id=uuid.uuid4(),
        )
        second = services.contact_message_send(
            contact=world.contact,
            inbox=world.inbox,
            conversation_id=None,
            body="still there?",
            client_id=uuid.uuid4(),
        )
    assert first.message.conversation_id == second.message.conversation_id
    conversation = first.conversation
    assert conversation.status == Status.QUEUED and conversation.contact == world.contact
    assert published.frames("conversation.updated", group=inbox_group(world.inbox.pk))


def test_retrying_the_first_message_does_not_start_a_second_conversation(world):
    client_id = uuid.uuid4()
    first = services.contact_message_send(
        contact=world.contact,
        inbox=world.inbox,
        conversation_id=None,
        body="hi",
        client_id=client_id,
    )
    # The agent resolves it before the visitor's retry arrives.
    first.conversation.status = Status.RESOLVED
    first.conversation.save()
    retry = services.contact_message_send(
        contact=world.contact,
        inbox=world.inbox,
        conversation_id=None,
        body="hi",
        client_id=client_id,
    )
    assert not retry.created and retry.message.pk == first.message.pk
    assert world.contact.conversations.count() == 1


def test_a_contact_cannot_write_into_someone_elses_conversation(world):
    stranger_conversation = ConversationFactory(inbox=world.inbox)
    with pytest.raises(ApplicationError) as error:
        services.contact_message_send(
            contact=world.contact,
            inbox=world.inbox,
            conversation_id=stranger_conversation.pk,
            body="hi",
            client_id=None,
        )
    assert error.value.code == ErrorCode.NOT_FOUND
    assert not Message.objects.exists()


def test_assign_opens_the_conversation_records_an_event_and_an_audit_entry(
    world, conversation, published
):
    with published.committing():
        services.conversation_assign(
            conversation=conversation, assignee=world.agent, actor=world.supervisor
        )
    conversation.refresh_from_db()
    assert conversation.assignee == world.agent and conversation.status == Status.OPEN
    event = conversation.messages.get()
    assert event.kind == "event" and event.sender_type == SenderType.SYSTEM
    assert event.data == {
        "event": "assigned",
        "assignee": world.agent.pk,
        "previous": None,
        "by": world.supervisor.pk,
    }
    audit = AuditEvent.objects.get(action="conversation.assigned")
    assert audit.actor == world.supervisor and audit.target_id == str(conversation.pk)
    updates = published.frames("conversation.updated", group=member_group(world.agent.pk))
    assert updates[-1]["conversation"]["assignee"] == {
        "id": world.agent.pk,
        "name": world.agent.name,
    }
    # The contact learns the new state but not who is behind it.
    for_contact = published.frames("conversation.updated", group=contact_group(world.contact.pk))
    assert for_contact[-1]["conversation"] == {
        "id": conversation.pk,
        "status": "open",
        "last_seq": 1,
    }


def test_assigning_the_same_person_again_changes_nothing(world, conversation):
    services.conversation_assign(conversation=conversation, assignee=world.agent, actor=world.admin)
    services.conversation_assign(conversation=conversation, assignee=world.agent, actor=world.admin)
    assert conversation.messages.count() == 1


def test_unassigning_an_open_conversation_puts_it_back_in_the_queue(world, conversation):
    services.conversation_assign(conversation=conversation, assignee=world.agent, actor=world.admin)
    services.conversation_assign(conversation=conversation, assignee=None, actor=world.admin)
    conversation.refresh_from_db()
    assert conversation.assignee is None and conversation.status == Status.QUEUED


@pytest.mark.parametrize("role", ["owner", "admin", "supervisor"])
def test_supervising_roles_assign_anyone(world, conversation, role):
    services.conversation_assign(
        conversation=conversation, assignee=world.other_agent, actor=world.member(role)
    )
    conversation.refresh_from_db()
    assert conversation.assignee == world.other_agent


def test_an_agent_may_take_an_unassigned_conversation_but_not_give_it_away(world, conversation):
    services.conversation_assign(conversation=conversation, assignee=world.agent, actor=world.agent)
    with pytest.raises(ApplicationError) as error:
        services.conversation_assign(
            conversation=conversation, assignee=world.other_agent, actor=world.agent
        )
    assert error.value.code == ErrorCode.PERMISSION_DENIED
    with pytest.raises(ApplicationError):
        services.conversation_assign(
            conversation=conversation, assignee=world.other_agent, actor=world.other_agent
        )
    conversation.refresh_from_db()
    assert conversation.assignee == world.agent


def test_assignee_from_another_workspace_is_not_found(world, other_world, conversation):
    with pytest.raises(ApplicationError) as error:
        services.conversation_assign(
            conversation=conversation, assignee=other_world.agent, actor=world.admin
        )
    assert error.value.code == ErrorCode.NOT_FOUND
    conversation.refresh_from_db()
    assert conversation.assignee is None


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        (Status.QUEUED, Status.OPEN, True),
        (Status.OPEN, Status.PENDING, True),
        (Status.PENDING, Status.RESOLVED, True),
        (Status.RESOLVED, Status.OPEN, True),
        (Status.RESOLVED, Status.PENDING, False),
        (Status.PENDING, Status.QUEUED, False),
        (Status.BOT, Status.QUEUED, True),
    ],
)
def test_status_transitions(world, conversation, start, target, allowed):
    conversation.status = start
    conversation.save()
    if allowed:
        services.conversation_set_status(
            conversation=conversation, status=target, actor=world.supervisor
        )
        conversation.refresh_from_db()
        assert conversation.status == target
        assert conversation.messages.get().data["to"] == target
    else:
        with pytest.raises(ApplicationError) as error:
            services.conversation_set_status(
                conversation=conversation, status=target, actor=world.supervisor
            )
        assert error.value.code == ErrorCode.INVALID_TRANSITION
        conversation.refresh_from_db()
        assert conversation.status == start and not conversation.messages.exists()


def test_resolve_and_reopen_are_timeline_events_with_audit(world, conversation):
    services.conversation_set_status(
        conversation=conversation, status=Status.RESOLVED, actor=world.admin
    )
    conversation.refresh_from_db()
    assert conversation.resolved_at is not None
    services.conversation_set_status(
        conversation=conversation, status=Status.OPEN, actor=world.admin
    )
    conversation.refresh_from_db()
    assert conversation.resolved_at is None
    events = [m.data["event"] for m in conversation.messages.order_by("seq")]
    assert events == ["status_changed", "reopened"]
    assert AuditEvent.objects.filter(action="conversation.status_changed").count() == 2


def test_an_agent_cannot_change_the_status_of_someone_elses_conversation(world, conversation):
    conversation.assignee = world.other_agent
    conversation.status = Status.OPEN
    conversation.save()
    with pytest.raises(ApplicationError) as error:
        services.conversation_set_status(
            conversation=conversation, status=Status.RESOLVED, actor=world.agent
        )
    assert error.value.code == ErrorCode.PERMISSION_DENIED


def test_set_team_checks_the_workspace(world, other_world, conversation):
    team = TeamFactory(workspace=world.workspace)
    services.conversation_set_team(conversation=conversation, team=team, actor=world.admin)
    conversation.refresh_from_db()
    assert conversation.team == team
    foreign = TeamFactory(workspace=other_world.workspace)
    with pytest.raises(ApplicationError):
        services.conversation_set_team(conversation=conversation, team=foreign, actor=world.admin)
    conversation.refresh_from_db()
    assert conversation.team == team


def test_read_pointers_only_move_forward_and_are_relayed(world, conversation, published):
    for body in ("a", "b", "c"):
        services.message_send(
            conversation=conversation, sender=Sender.of_contact(world.contact), body=body
        )
    conversation.refresh_from_db()
    with published.committing():
        assert (
            services.conversation_mark_read_by_member(
                conversation=conversation, member=world.agent, seq=2
            )
            == 2
        )
        assert (
            services.conversation_mark_read_by_member(
                conversation=conversation, member=world.agent, seq=1
            )
            == 2
        )
        assert (
            services.conversation_mark_read_by_member(
                conversation=conversation, member=world.agent, seq=99
            )
            == 3
        )
    reads = published.frames("read", group=contact_group(world.contact.pk))
    assert [r["seq"] for r in reads] == [2, 2, 3]
    assert reads[0]["by"]["type"] == "agent"


def test_members_of_an_inactive_membership_cannot_be_assigned(world, conversation):
    gone = MemberFactory(workspace=world.workspace, is_active=False)
    with pytest.raises(ApplicationError):
        services.conversation_assign(conversation=conversation, assignee=gone, actor=world.admin)


def test_routing_events_are_for_staff_only(world, conversation, published):
    team = TeamFactory(workspace=world.workspace)
    with published.committing():
        services.conversation_assign(
            conversation=conversation, assignee=world.agent, actor=world.admin
        )
        services.conversation_set_team(conversation=conversation, team=team, actor=world.admin)
        services.conversation_set_status(
            conversation=conversation, status=Status.RESOLVED, actor=world.admin
        )
    events = list(conversation.messages.order_by("seq").values_list("data__event", "private"))
    assert events == [("assigned", True), ("team_changed", True), ("status_changed", False)]
    to_contact = published.frames("message.created", group=contact_group(world.contact.pk))
    assert [f["message"]["data"]["event"] for f in to_contact] == ["status_changed"]


def test_the_previous_assignee_hears_that_the_conversation_moved_on(world, conversation, published):
    services.conversation_assign(conversation=conversation, assignee=world.agent, actor=world.admin)
    with published.committing():
        services.conversation_assign(
            conversation=conversation, assignee=world.other_agent, actor=world.admin
        )
    updates = published.frames("conversation.updated", group=member_group(world.agent.pk))
    assert updates[-1]["conversation"]["assignee"]["id"] == world.other_agent.pk


def test_what_a_member_writes_is_not_unread_to_them(world, conversation):
    from parley.conversations.models import ConversationRead

    services.message_send(
        conversation=conversation, sender=Sender.of_contact(world.contact), body="hi"
    )
    services.message_send(
        conversation=conversation, sender=Sender.of_member(world.agent), body="hello"
    )
    read = ConversationRead.objects.get(member=world.agent, conversation=conversation)
    conversation.refresh_from_db()
    assert read.seq == conversation.last_seq


def test_a_reopen_by_the_contact_has_the_same_event_shape_as_one_by_an_agent(world, conversation):
    conversation.status = Status.RESOLVED
    conversation.save()
    services.message_send(
        conversation=conversation, sender=Sender.of_contact(world.contact), body="again"
    )
    event = conversation.messages.get(kind="event")
    assert event.data == {
        "event": "reopened",
        "from": "resolved",
        "to": "queued",
        "by": None,
        "by_contact": world.contact.pk,
    }


def test_the_first_public_reply_of_a_member_is_the_first_response(world, conversation):
    customer = Sender.of_contact(world.contact)
    agent = Sender.of_member(world.agent)
    services.message_send(conversation=conversation, sender=customer, body="where is my order?")
    services.message_send(conversation=conversation, sender=agent, body="note", private=True)
    conversation.refresh_from_db()
    assert conversation.first_response_at is None

    first = services.message_send(conversation=conversation, sender=agent, body="Let me look.")
    services.message_send(conversation=conversation, sender=agent, body="Found it.")

    conversation.refresh_from_db()
    assert conversation.first_response_at == first.message.created_at

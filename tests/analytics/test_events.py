"""Services record reporting events at the moments that matter, with the right dimensions and
values, inside their own transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest

from parley.analytics.models import EventKind, ReportingEvent
from parley.conversations.models import Conversation, Status
from parley.conversations.services import (
    Sender,
    conversation_assign,
    conversation_set_status,
    conversation_start,
    conversation_transfer,
    csat_submit,
    message_send,
)
from parley.errors import ApplicationError
from tests.conftest import World
from tests.factories import TeamFactory
from tests.tickets.sla_support import Clock, install_clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return install_clock(monkeypatch)


def kinds(conversation: Conversation) -> list[str]:
    return list(
        ReportingEvent.objects.filter(conversation_id=conversation.pk)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def one(conversation: Conversation, kind: str) -> ReportingEvent:
    return ReportingEvent.objects.get(conversation_id=conversation.pk, kind=kind)


def test_a_conversation_s_life_is_recorded_with_times_and_who(world: World, clock: Clock) -> None:
    # given a new conversation that waits 2 minutes in the queue
    conversation = conversation_start(inbox=world.inbox, contact=world.contact)
    clock.advance(minutes=2)
    # when an agent takes it, answers after 30 s more and resolves it 10 minutes later
    conversation_assign(conversation=conversation, assignee=world.agent, actor=world.supervisor)
    clock.advance(seconds=30)
    message_send(conversation=conversation, sender=Sender.of_member(world.agent), body="Hello")
    message_send(conversation=conversation, sender=Sender.of_member(world.agent), body="Again")
    clock.advance(minutes=10)
    conversation_set_status(conversation=conversation, status=Status.RESOLVED, actor=world.agent)

    # then each moment is one event, with the conversation's inbox and channel
    assert kinds(conversation) == ["created", "assigned", "first_response", "resolved", "handled"]
    created = one(conversation, EventKind.CREATED)
    assert (created.inbox_id, created.channel, created.workspace_id) == (
        world.inbox.pk,
        "widget",
        world.workspace.pk,
    )
    assigned = one(conversation, EventKind.ASSIGNED)
    assert (assigned.member_id, assigned.value) == (world.agent.pk, 120.0)
    first = one(conversation, EventKind.FIRST_RESPONSE)
    assert (first.member_id, first.value) == (world.agent.pk, 150.0)
    assert one(conversation, EventKind.RESOLVED).value == 750.0
    assert one(conversation, EventKind.HANDLED).value == 630.0
    assert one(conversation, EventKind.RESOLVED).occurred_at == clock.now


def test_reopen_transfer_and_an_edited_rating_count_once(world: World, clock: Clock) -> None:
    # given a resolved conversation the customer rated 2
    team = TeamFactory(workspace=world.workspace)
    conversation = conversation_start(inbox=world.inbox, contact=world.contact)
    conversation_assign(conversation=conversation, assignee=world.agent, actor=world.supervisor)
    message_send(conversation=conversation, sender=Sender.of_member(world.agent), body="Hi")
    conversation_set_status(conversation=conversation, status=Status.RESOLVED, actor=world.agent)
    csat_submit(conversation=conversation, rating=2)
    # when they change it to 5 within the edit window
    csat_submit(conversation=conversation, rating=5)
    # then there is one CSAT event with the new rating, for the agent who resolved it
    csat = one(conversation, EventKind.CSAT)
    assert (csat.value, csat.member_id) == (5.0, world.agent.pk)

    # when it is reopened and transferred to a team
    conversation_set_status(conversation=conversation, status=Status.OPEN, actor=world.agent)
    conversation_transfer(conversation=conversation, actor=world.agent, to_team=team)
    # then the reopen and the transfer (from the agent) are recorded
    assert one(conversation, EventKind.REOPENED).member_id == world.agent.pk
    transferred = one(conversation, EventKind.TRANSFERRED)
    assert transferred.member_id == world.agent.pk


def test_a_conversation_resolved_unanswered_is_abandoned(world: World, clock: Clock) -> None:
    conversation = conversation_start(inbox=world.inbox, contact=world.contact)
    clock.advance(minutes=7)
    conversation_set_status(
        conversation=conversation, status=Status.RESOLVED, actor=world.supervisor
    )
    abandoned = one(conversation, EventKind.ABANDONED)
    assert abandoned.value == 420.0
    assert EventKind.HANDLED not in kinds(conversation)


def test_a_refused_change_records_nothing(world: World) -> None:
    conversation = conversation_start(inbox=world.inbox, contact=world.contact)
    before = ReportingEvent.objects.count()
    with pytest.raises(ApplicationError):
        conversation_set_status(conversation=conversation, status="nonsense", actor=world.agent)
    assert ReportingEvent.objects.count() == before


def test_events_are_timestamped_when_they_happen(world: World, clock: Clock) -> None:
    conversation = conversation_start(inbox=world.inbox, contact=world.contact)
    assert one(conversation, EventKind.CREATED).occurred_at == clock.now
    assert one(conversation, EventKind.CREATED).recorded_at == clock.now
    clock.advance(hours=1)
    conversation_assign(conversation=conversation, assignee=world.agent, actor=world.supervisor)
    assert one(conversation, EventKind.ASSIGNED).occurred_at == clock.now - timedelta(0)


def test_sla_breach_and_met_are_recorded(world: World, clock: Clock) -> None:
    from parley.conversations.models import Priority
    from parley.tickets.models import CreatedVia
    from parley.tickets.services import ticket_create
    from parley.tickets.sla.timers import sla_timers_check
    from tests.tickets.sla_support import make_policy

    # given an urgent ticket (first response due in 30 min)
    make_policy(world.workspace)
    ticket = ticket_create(
        inbox=world.inbox,
        contact=world.contact,
        subject="Refund",
        description="Broken parcel",
        created_via=CreatedVia.CONSOLE,
        actor=world.supervisor,
        priority=Priority.URGENT,
    )
    conversation = Conversation.objects.get(pk=ticket.pk)
    # when the warning and the breach come due, then it is answered
    clock.advance(minutes=25)
    sla_timers_check(now=clock.now)
    clock.advance(minutes=10)
    sla_timers_check(now=clock.now)
    sla_timers_check(now=clock.now)  # a second run records nothing twice
    # then one warning and one breach are reporting events
    assert kinds(conversation).count(EventKind.SLA_WARNING) == 1
    assert kinds(conversation).count(EventKind.SLA_BREACHED) == 1


def test_bot_conversations_record_start_answers_and_handover(world: World) -> None:
    from tests.bot.bot_world import bot_on, knowledge_base, say

    # given an inbox whose bot answers first
    world.contact.locale = "zh-CN"
    world.contact.save(update_fields=["locale"])
    knowledge_base(world)
    bot_on(world)
    # when a visitor asks a known question, then gets angry
    conversation = say(world, "收货地址写错了怎么办")
    say(world, "你们这服务太差了", conversation=conversation)
    # then the bot's start, its answer and the handover are recorded, in order
    bot = [k for k in kinds(conversation) if k.startswith("bot_")]
    assert bot == ["bot_started", "bot_answered", "bot_handover"]

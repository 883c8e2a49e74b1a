"""A ticket's SLA clocks: the policy chosen at creation, due times, recompute on priority and
team changes, first response met, paused while pending, met when solved, resumed on reopen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parley.accounts.models import Team
from parley.conversations.models import Priority, Status
from parley.conversations.services import (
    Sender,
    conversation_assign,
    conversation_set_status,
    conversation_set_team,
    message_send,
)
from parley.tickets.models import Ticket
from parley.tickets.services import (
    TicketChanges,
    ticket_escalate,
    ticket_update,
    tickets_bulk_set_priority,
)
from parley.tickets.sla.payloads import sla_payload
from parley.tickets.sla_models import SlaEvent, TicketSla
from parley.tickets.status import ViewStatus
from tests.conftest import World, audit_lock_queries
from tests.factories import ConversationFactory, InboxFactory
from tests.tickets.sla_support import Clock, make_policy

MIN = timedelta(minutes=1)


def sla_of(ticket: Ticket) -> TicketSla:
    return TicketSla.objects.select_related("policy").get(pk=ticket.pk)


def test_a_new_ticket_gets_due_times_from_the_policy(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    policy = make_policy(world.workspace)

    ticket = make_ticket(priority=Priority.URGENT)

    row = sla_of(ticket)
    assert row.policy == policy
    assert row.started_at == clock.now
    assert row.first_response_due_at == clock.now + 30 * MIN
    assert row.first_response_warn_at == clock.now + 24 * MIN  # 20 % of 30 min before
    assert row.resolution_due_at == clock.now + 240 * MIN
    assert row.next_check_at == clock.now + 24 * MIN
    assert row.next_due_at == clock.now + 30 * MIN
    payload = sla_payload(row, clock.now)
    assert payload is not None
    assert payload["policy"] == {"id": policy.pk, "name": policy.name}
    assert payload["state"] == "ok"
    assert payload["resolution"]["remaining_seconds"] is None


def test_no_policy_means_no_sla(world: World, make_ticket: Callable[..., Ticket]) -> None:
    ticket = make_ticket()
    assert sla_payload(sla_of(ticket)) is None


def test_the_first_matching_active_policy_in_order_applies(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    other_inbox = InboxFactory(workspace=world.workspace)
    make_policy(world.workspace, name="Other inbox", inbox=other_inbox, position=0)
    make_policy(world.workspace, name="Switched off", is_active=False, position=1)
    mine = make_policy(world.workspace, name="This inbox", inbox=world.inbox, position=2)
    make_policy(world.workspace, name="Fallback", position=3)

    assert sla_of(make_ticket()).policy == mine


def test_a_fallback_placed_first_wins_over_later_conditions(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    fallback = make_policy(world.workspace, name="Fallback", position=0)
    make_policy(world.workspace, name="This inbox", inbox=world.inbox, position=1)

    assert sla_of(make_ticket()).policy == fallback


def test_a_team_change_chooses_the_policy_again(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    team = Team.objects.get(workspace=world.workspace)
    vip = make_policy(
        world.workspace,
        name="VIP team",
        team=team,
        position=0,
        targets={"normal": {"first_response": 10, "resolution": 60}},
    )
    fallback = make_policy(world.workspace, name="Fallback", position=1)
    ticket = make_ticket()
    assert sla_of(ticket).policy == fallback

    clock.advance(minutes=5)
    conversation_set_team(conversation=ticket.conversation, team=team, actor=world.supervisor)

    row = sla_of(ticket)
    assert row.policy == vip
    # From the ticket's start, not from the change.
    assert row.first_response_due_at == row.started_at + 10 * MIN
    assert row.resolution_due_at == row.started_at + 60 * MIN


def test_a_priority_change_recomputes_from_the_start(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    make_policy(world.workspace)
    ticket = make_ticket(priority=Priority.NORMAL)
    start = clock.now
    assert sla_of(ticket).first_response_due_at == start + 240 * MIN

    clock.advance(minutes=10)
    ticket_update(
        ticket=ticket, actor=world.supervisor, changes=TicketChanges(priority=Priority.URGENT)
    )

    row = sla_of(ticket)
    assert row.first_response_due_at == start + 30 * MIN
    assert row.resolution_due_at == start + 240 * MIN
    assert row.next_check_at == start + 24 * MIN


def test_the_first_public_reply_meets_the_first_response_target(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    make_policy(world.workspace)
    ticket = make_ticket(priority=Priority.URGENT)
    conversation_assign(conversation=ticket.conversation, assignee=world.agent, actor=world.agent)
    clock.advance(minutes=12)

    message_send(
        conversation=ticket.conversation, sender=Sender.of_member(world.agent), body="On it."
    )

    row = sla_of(ticket)
    assert row.first_response_met_at == clock.now
    met = SlaEvent.objects.get(ticket=ticket, metric="first_response")
    assert (met.kind, met.assignee_id, met.at) == ("met", world.agent.pk, clock.now)
    # Only resolution runs now: the timer waits for its warning.
    assert row.next_check_at == row.resolution_warn_at
    payload = sla_payload(row, clock.now)
    assert payload is not None
    assert payload["first_response"]["met_at"] == clock.now.isoformat()
    assert payload["state"] == "ok"


def test_a_private_note_does_not_meet_the_first_response_target(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    make_policy(world.workspace)
    ticket = make_ticket(priority=Priority.URGENT)

    message_send(
        conversation=ticket.conversation,
        sender=Sender.of_member(world.supervisor),
        body="Internal",
        private=True,
    )

    assert sla_of(ticket).first_response_met_at is None


def test_pending_pauses_the_resolution_clock_and_open_resumes_it(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    make_policy(world.workspace)
    ticket = make_ticket(priority=Priority.URGENT)  # resolution: 240 minutes
    conversation_assign(conversation=ticket.conversation, assignee=world.agent, actor=world.agent)

    clock.advance(minutes=100)
    ticket_update(
        ticket=ticket, actor=world.agent, changes=TicketChanges(status=ViewStatus.PENDING)
    )
    paused = sla_of(ticket)
    assert paused.resolution_due_at is None
    assert paused.resolution_left_seconds == 140 * 60
    payload = sla_payload(paused, clock.now)
    assert payload is not None
    assert payload["resolution"]["paused"] is True
    assert payload["resolution"]["remaining_seconds"] == 140 * 60

    # Three days waiting on the customer, then they answer: the clock resumes.
    clock.advance(days=3)
    message_send(
        conversation=ticket.conversation, sender=Sender.of_contact(world.contact), body="Here."
    )

    resumed = sla_of(ticket)
    assert resumed.resolution_paused_at is None
    assert resumed.resolution_due_at == clock.now + 140 * MIN
    assert resumed.resolution_warn_at == clock.now + (140 - 48) * MIN
    assert resumed.resolution_left_seconds is None


def test_solving_meets_resolution_and_reopening_resumes_it(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    make_policy(world.workspace)
    ticket = make_ticket(priority=Priority.URGENT)
    conversation_assign(conversation=ticket.conversation, assignee=world.agent, actor=world.agent)
    message_send(conversation=ticket.conversation, sender=Sender.of_member(world.agent), body="Hi")

    clock.advance(minutes=60)
    conversation_set_status(
        conversation=ticket.conversation, status=Status.RESOLVED, actor=world.agent
    )
    solved = sla_of(ticket)
    assert solved.resolution_met_at == clock.now
    assert solved.next_check_at is None
    assert SlaEvent.objects.get(ticket=ticket, metric="resolution").kind == "met"
    payload = sla_payload(solved, clock.now)
    assert payload is not None and payload["state"] == "met"

    clock.advance(minutes=30)
    message_send(
        conversation=ticket.conversation,
        sender=Sender.of_contact(world.contact),
        body="Still broken",
    )

    reopened = sla_of(ticket)
    assert reopened.resolution_met_at is None
    assert reopened.resolution_due_at == clock.now + 180 * MIN  # 240 less the 60 used


def test_business_hours_policy_counts_in_the_inbox_hours(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    world.inbox.settings = {
        "business_hours": {
            "enabled": True,
            "timezone": "Asia/Shanghai",
            "weekly": {d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
        }
    }
    world.inbox.save()
    make_policy(world.workspace, business_hours=True)
    clock.set(clock.now.replace(day=6, hour=9))  # Friday 17:00 in Shanghai

    ticket = make_ticket(priority=Priority.NORMAL)  # first response 240 minutes

    # One hour on Friday, three on Monday: Monday 12:00 in Shanghai (04:00 UTC).
    assert sla_of(ticket).first_response_due_at == clock.now.replace(day=9, hour=4)


def test_an_escalated_chat_answered_already_has_its_first_response_met(
    world: World, clock: Clock
) -> None:
    make_policy(world.workspace)
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    conversation_assign(conversation=conversation, assignee=world.agent, actor=world.agent)
    message_send(conversation=conversation, sender=Sender.of_member(world.agent), body="Hello")
    clock.advance(minutes=5)

    ticket = ticket_escalate(conversation=conversation, actor=world.agent)

    row = sla_of(ticket)
    assert row.first_response_met_at is not None
    assert row.started_at == clock.now


def test_the_demo_policy_is_seeded_once_and_applies(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    from parley.tickets.sla.demo import sla_demo_seed

    first = sla_demo_seed(workspace=world.workspace)
    again = sla_demo_seed(workspace=world.workspace)

    assert first == again
    assert sla_of(make_ticket(priority=Priority.URGENT)).policy == first


@pytest.mark.parametrize("count", [2, 6])
def test_bulk_priority_moves_the_clocks_in_a_fixed_number_of_queries(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock, count: int
) -> None:
    make_policy(world.workspace)
    many = [make_ticket(priority=Priority.LOW) for _ in range(count)]

    with CaptureQueriesContext(connection) as queries:
        tickets_bulk_set_priority(
            actor=world.supervisor, ticket_ids=[t.pk for t in many], priority=Priority.URGENT
        )

    # Lock, UPDATE, events, the policies, the SLA rows, one bulk UPDATE of them, audits (the
    # chain's head, one INSERT), tickets, tags, savepoints: as many for 6 tickets as for 2.
    assert len(queries) == BULK_PRIORITY_QUERIES + audit_lock_queries()
    for ticket in many:
        assert sla_of(ticket).first_response_due_at == ticket.created_at + 30 * MIN


BULK_PRIORITY_QUERIES = 12

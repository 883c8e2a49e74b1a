"""The SLA timer job: warnings and breaches recorded once, however often or by how many workers
it runs; catching up after downtime; the frames to members and the e-mails to staff."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from parley.conversations import realtime
from parley.conversations.models import Priority
from parley.conversations.services import conversation_assign
from parley.notifications.models import OutboundEmail
from parley.ops.schedule import PERIODIC_JOBS
from parley.tickets import tasks
from parley.tickets.models import Ticket
from parley.tickets.sla.timers import sla_timers_check
from parley.tickets.sla_models import SlaEvent, TicketSla
from tests.conftest import Published, World
from tests.mail import Mailbox
from tests.tickets.sla_support import Clock, make_policy


def events(ticket: Ticket) -> list[tuple[str, str]]:
    return sorted(SlaEvent.objects.filter(ticket=ticket).values_list("metric", "kind"))


def test_the_job_is_listed_to_run_every_minute() -> None:
    (job,) = [j for j in PERIODIC_JOBS if j.name == "tickets-sla-check"]
    assert job.task == "parley.tickets.tasks.check_sla_timers"
    assert job.every == timedelta(minutes=1)


def test_nothing_is_due_before_the_warning_time(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    make_policy(world.workspace)
    ticket = make_ticket(priority=Priority.URGENT)
    clock.advance(minutes=23)

    assert sla_timers_check(now=clock.now) == 0
    assert events(ticket) == []


def test_warning_then_breach_each_recorded_once(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    make_policy(world.workspace)
    ticket = make_ticket(priority=Priority.URGENT)  # first response: 30 min, warning at 24

    clock.advance(minutes=25)
    assert tasks.check_sla_timers() == 1
    assert tasks.check_sla_timers() == 0  # a second run does nothing twice
    assert events(ticket) == [("first_response", "warning")]
    warning = SlaEvent.objects.get(ticket=ticket, kind="warning")
    assert warning.due_at == ticket.created_at + timedelta(minutes=30)

    clock.advance(minutes=10)
    assert sla_timers_check(now=clock.now) == 1
    assert sla_timers_check(now=clock.now) == 0
    assert events(ticket) == [("first_response", "breached"), ("first_response", "warning")]
    row = TicketSla.objects.get(pk=ticket.pk)
    assert row.first_response_breached is True
    # Only the resolution clock is left to watch.
    assert row.next_check_at == row.resolution_warn_at


def test_a_second_worker_that_read_the_same_ticket_records_nothing_more(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    """Two workers scan at once and both see the ticket due: the unique event decides."""
    make_policy(world.workspace)
    ticket = make_ticket(priority=Priority.URGENT)
    clock.advance(minutes=31)
    stale = TicketSla.objects.get(pk=ticket.pk)  # what the second worker read

    assert sla_timers_check(now=clock.now) == 1
    # The second worker's view of the row, as if it had passed the check before the first
    # one saved: it tries to record the same breach.
    TicketSla.objects.filter(pk=ticket.pk).update(
        first_response_breached=False, next_check_at=stale.next_check_at
    )
    assert sla_timers_check(now=clock.now) == 0
    assert SlaEvent.objects.filter(ticket=ticket, kind="breached").count() == 1


def test_a_run_after_downtime_catches_up_with_the_breach(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    make_policy(world.workspace)
    ticket = make_ticket(priority=Priority.URGENT)
    due = TicketSla.objects.get(pk=ticket.pk).first_response_due_at
    assert due is not None

    # Nothing ran for two hours: warning and due time both passed "while down".
    clock.advance(hours=2)
    assert sla_timers_check(now=clock.now) == 1

    breach = SlaEvent.objects.get(ticket=ticket)
    assert (breach.metric, breach.kind) == ("first_response", "breached")
    assert breach.at == due  # when it happened, not when it was noticed
    assert not SlaEvent.objects.filter(ticket=ticket, kind="warning").exists()


def test_a_met_target_is_never_warned_about(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    from parley.conversations.services import Sender, message_send

    make_policy(world.workspace)
    ticket = make_ticket(priority=Priority.URGENT)
    conversation_assign(conversation=ticket.conversation, assignee=world.agent, actor=world.agent)
    clock.advance(minutes=5)
    message_send(conversation=ticket.conversation, sender=Sender.of_member(world.agent), body="Hi")

    clock.advance(minutes=40)
    assert sla_timers_check(now=clock.now) == 0
    assert events(ticket) == [("first_response", "met")]


def test_the_warning_frame_goes_to_the_assignee_and_supervising_members(
    world: World,
    make_ticket: Callable[..., Ticket],
    clock: Clock,
    published: Published,
) -> None:
    make_policy(world.workspace)
    ticket = make_ticket(priority=Priority.URGENT)
    conversation_assign(conversation=ticket.conversation, assignee=world.agent, actor=world.agent)
    clock.advance(minutes=25)

    with published.committing():
        sla_timers_check(now=clock.now)

    (frame,) = published.frames("sla.warning")
    (groups,) = published.groups_of("sla.warning")
    assert sorted(groups) == sorted(
        realtime.member_group(m.pk)
        for m in (world.owner, world.admin, world.supervisor, world.agent)
    )
    assert realtime.member_group(world.other_agent.pk) not in groups
    assert frame["metric"] == "first_response"
    assert frame["ticket"]["id"] == ticket.pk
    assert frame["ticket"]["sla"]["state"] == "warning"
    assert frame["due_at"] == (ticket.created_at + timedelta(minutes=30)).isoformat()
    assert set(frame) == {"type", "metric", "due_at", "ticket"}


def test_the_breach_is_e_mailed_to_each_recipient_with_the_ticket_number(
    world: World,
    make_ticket: Callable[..., Ticket],
    clock: Clock,
    smtp_server: Mailbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_policy(world.workspace, warning_percent=None)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(priority=Priority.URGENT)
    smtp_server.received.clear()  # the customer's ticket-created e-mail
    clock.advance(minutes=31)

    with django_capture_on_commit_callbacks(execute=True):
        sla_timers_check(now=clock.now)

    to = sorted(r.envelope_to[0] for r in smtp_server.received)
    assert to == sorted(m.user.email for m in (world.owner, world.admin, world.supervisor))
    mail = smtp_server.received[0].message
    assert f"[#{ticket.number}]" in str(mail["Subject"])
    assert "First response target breached" in str(mail["Subject"])
    assert mail["Reply-To"] is None  # a reply must not land in the customer's ticket
    assert mail["In-Reply-To"] is None
    assert "首次响应已超时" in smtp_server.received[0].text()
    link = f"https://help.parley.test/app/{world.workspace.slug}/tickets/{ticket.pk}"
    assert link in smtp_server.received[0].text()

    # Run again: nobody gets it twice.
    with django_capture_on_commit_callbacks(execute=True):
        sla_timers_check(now=clock.now + timedelta(minutes=5))
    assert len(smtp_server.received) == 3
    assert OutboundEmail.objects.filter(event_key__startswith="sla:").count() == 3

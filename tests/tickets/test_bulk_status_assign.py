"""Bulk status and assignment changes: a fixed number of queries whatever the number of tickets,
every rule of the single-ticket services kept, and the same outcome as changing each ticket on
its own (events, CSAT requests, e-mails, SLA clocks, audit records)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parley.accounts.models import AuditEvent, Member
from parley.analytics.models import ReportingEvent
from parley.conversations.models import Conversation, CsatResponse, Message, Status
from parley.conversations.services import conversation_assign, conversation_set_status
from parley.errors import ApplicationError, ErrorCode
from parley.tickets.models import Ticket
from parley.tickets.services import tickets_bulk_assign, tickets_bulk_set_status
from parley.tickets.sla_models import SlaEvent, TicketSla
from parley.tickets.status import ViewStatus
from tests.conftest import Published, World, audit_lock_queries, client_for
from tests.mail import Mailbox
from tests.tickets.sla_support import Clock, make_policy

TO_VIEW: dict[str, ViewStatus] = {
    Status.OPEN: ViewStatus.OPEN,
    Status.PENDING: ViewStatus.PENDING,
    Status.RESOLVED: ViewStatus.SOLVED,
}


@pytest.fixture
def policy(world: World) -> None:
    make_policy(world.workspace)


def setup_for(action: str, world: World, tickets: list[Ticket]) -> Callable[[list[int]], int]:
    """Bring the tickets to where the action starts; return the bulk call."""
    for t in tickets:
        conversation_assign(conversation=t.conversation, assignee=world.agent, actor=world.agent)
    if action == "reopen":
        for t in tickets:
            conversation_set_status(
                conversation=t.conversation, status="resolved", actor=world.agent
            )
    calls: dict[str, Callable[[list[int]], int]] = {
        "pending": lambda ids: tickets_bulk_set_status(
            actor=world.supervisor, ticket_ids=ids, status=ViewStatus.PENDING
        ),
        "solved": lambda ids: tickets_bulk_set_status(
            actor=world.supervisor, ticket_ids=ids, status=ViewStatus.SOLVED
        ),
        "reopen": lambda ids: tickets_bulk_set_status(
            actor=world.supervisor, ticket_ids=ids, status=ViewStatus.OPEN
        ),
        "assign": lambda ids: tickets_bulk_assign(
            actor=world.supervisor, ticket_ids=ids, assignee=world.other_agent
        ),
        "unassign": lambda ids: tickets_bulk_assign(
            actor=world.supervisor, ticket_ids=ids, assignee=None
        ),
    }
    return calls[action]


# What each action costs, with an SLA policy in force, for 2 tickets and for 10 alike: the lock,
# the closed-ticket check (status), one UPDATE, the events, the CSAT requests, the SLA met events
# and those known before (solved), the SLA policies, rows and UPDATE, the reporting events
# (solved, reopened, assigned), the audit chain's lock and INSERT, the ticket payloads and their
# tags, and the savepoint pair.
QUERIES = {"pending": 13, "solved": 17, "reopen": 14, "assign": 13, "unassign": 12}


@pytest.mark.parametrize("action", list(QUERIES))
@pytest.mark.parametrize("count", [2, 10])
def test_the_same_queries_for_2_and_10_tickets(
    world: World,
    make_ticket: Callable[..., Ticket],
    policy: None,
    django_assert_num_queries: Callable[..., Any],
    action: str,
    count: int,
) -> None:
    tickets = [make_ticket() for _ in range(count)]
    bulk = setup_for(action, world, tickets)

    with django_assert_num_queries(QUERIES[action] + audit_lock_queries()):
        changed = bulk([t.pk for t in tickets])

    assert changed == count


@pytest.mark.parametrize("action", list(QUERIES))
def test_counted_side_by_side_2_and_10_cost_alike(
    world: World, make_ticket: Callable[..., Ticket], policy: None, action: str
) -> None:
    """The same, measured rather than written down: a change to the budget shows here too."""
    few = [make_ticket() for _ in range(2)]
    many = [make_ticket() for _ in range(10)]
    bulk_few = setup_for(action, world, few)
    bulk_many = setup_for(action, world, many)

    with CaptureQueriesContext(connection) as for_few:
        bulk_few([t.pk for t in few])
    with CaptureQueriesContext(connection) as for_many:
        bulk_many([t.pk for t in many])

    assert len(for_few) == len(for_many)


# --- the same change both ways ------------------------------------------------------------


def _state(ticket_id: int) -> dict[str, Any]:
    """Everything a change leaves behind for one ticket, without its ids."""
    conversation = Conversation.objects.get(pk=ticket_id)
    event = Message.objects.filter(conversation_id=ticket_id).order_by("-seq").first()
    assert event is not None
    csat = CsatResponse.objects.filter(conversation_id=ticket_id).first()
    sla = TicketSla.objects.get(pk=ticket_id)
    audit = AuditEvent.objects.filter(target_id=str(ticket_id)).order_by("-pk").first()
    assert audit is not None
    return {
        "status": conversation.status,
        "assignee": conversation.assignee_id,
        "resolved_at": conversation.resolved_at,
        "queued_at": conversation.queued_at,
        "assigned_at": conversation.assigned_at,
        "last_seq": conversation.last_seq,
        "event": (event.seq, event.body, event.data, event.private, event.kind, event.sender_type),
        "csat": csat
        and (csat.assignee_id, csat.team_id, csat.resolved_at, csat.expires_at, csat.answered_at),
        "sla": {
            name: getattr(sla, name)
            for name in (
                "policy_id",
                "resolution_due_at",
                "resolution_warn_at",
                "resolution_met_at",
                "resolution_paused_at",
                "resolution_running_since",
                "resolution_used_seconds",
                "resolution_left_seconds",
                "resolution_breached",
                "next_check_at",
            )
        },
        "sla_events": sorted(
            (e.metric, e.kind, e.due_at, e.at, e.assignee_id)
            for e in SlaEvent.objects.filter(ticket_id=ticket_id)
        ),
        "audit": (audit.action, audit.target_type, audit.data, audit.actor_id),
        "reporting": sorted(
            (e.kind, e.occurred_at, e.member_id, e.value, e.team_id)
            for e in ReportingEvent.objects.filter(conversation_id=ticket_id)
        ),
    }


def _mails(mailbox: Mailbox, ticket: Ticket) -> list[tuple[str, bool]]:
    """The e-mails about one ticket: subject, and whether it carries a rating link."""
    return [
        (str(m.message["Subject"]), "/csat/" in m.text())
        for m in mailbox.received
        if f"#{ticket.number}" in str(m.message["Subject"])
    ]


def _frames(published: Published, ticket_id: int) -> list[tuple[str, Any]]:
    def about(frame: dict[str, Any]) -> bool:
        target = frame.get("conversation")
        return (target.get("id") if isinstance(target, dict) else target) == ticket_id

    # Sorted: within one commit, frames of different types may go out in another order.
    return sorted(
        (frame["type"], sorted(g.split(".")[0] for g in groups))
        for groups, frame in published.sent
        if about(frame) and frame["type"] != "ticket.updated"  # bulk's extra list refresh
    )


@contextmanager
def committing(capture: Any) -> Iterator[None]:
    with capture(execute=True):
        yield


def test_bulk_and_single_changes_leave_the_same_state(
    world: World,
    make_ticket: Callable[..., Ticket],
    policy: None,
    clock: Clock,
    smtp_server: Mailbox,
    published: Published,
    django_capture_on_commit_callbacks: Any,
) -> None:
    world.contact.email = "li.na@example.com"
    world.contact.save(update_fields=["email"])
    with committing(django_capture_on_commit_callbacks):
        alone, bulk_a, bulk_b = (make_ticket() for _ in range(3))
    smtp_server.received.clear()
    published.sent.clear()

    steps: list[tuple[str, Member | None, str | None]] = [
        ("assign", world.agent, None),
        ("status", None, Status.PENDING),
        ("status", None, Status.OPEN),
        ("status", None, Status.RESOLVED),
        ("status", None, Status.OPEN),  # reopened
        ("assign", world.other_agent, None),
        ("assign", None, None),  # back to the queue
        ("status", None, Status.RESOLVED),
    ]
    for kind, member, status in steps:
        clock.advance(minutes=37)
        with committing(django_capture_on_commit_callbacks):
            if kind == "assign":
                conversation_assign(
                    conversation=alone.conversation, assignee=member, actor=world.supervisor
                )
                tickets_bulk_assign(
                    actor=world.supervisor, ticket_ids=[bulk_a.pk, bulk_b.pk], assignee=member
                )
            else:
                assert status is not None
                conversation_set_status(
                    conversation=Conversation.objects.get(pk=alone.pk),
                    status=status,
                    actor=world.supervisor,
                )
                tickets_bulk_set_status(
                    actor=world.supervisor,
                    ticket_ids=[bulk_a.pk, bulk_b.pk],
                    status=TO_VIEW[status],
                )
        expected = _state(alone.pk)
        assert _state(bulk_a.pk) == expected, (kind, member, status)
        assert _state(bulk_b.pk) == expected, (kind, member, status)

    expected_frames = _frames(published, alone.pk)
    assert {t for t, _ in expected_frames} >= {
        "csat.request",
        "message.created",
        "conversation.updated",
    }
    assert _frames(published, bulk_a.pk) == expected_frames
    assert _frames(published, bulk_b.pk) == expected_frames
    solved_mails = _mails(smtp_server, alone)
    assert len(solved_mails) == 2 and all(link for _, link in solved_mails)  # solved twice
    for ticket in (bulk_a, bulk_b):
        assert [
            (s.replace(f"#{ticket.number}", "#"), link) for s, link in _mails(smtp_server, ticket)
        ] == [(s.replace(f"#{alone.number}", "#"), link) for s, link in solved_mails]
    assert CsatResponse.objects.filter(conversation_id__in=[bulk_a.pk, bulk_b.pk]).count() == 2


def test_a_disallowed_move_refuses_the_whole_batch(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    """Pending → open is allowed, but a ticket the bot still holds cannot go pending: the
    transitions of one change apply to every ticket of the batch."""
    fine, bot_held = make_ticket(), make_ticket()
    Conversation.objects.filter(pk=bot_held.pk).update(status=Status.BOT)
    events_before = Message.objects.count()

    with pytest.raises(ApplicationError) as caught:
        tickets_bulk_set_status(
            actor=world.supervisor, ticket_ids=[fine.pk, bot_held.pk], status=ViewStatus.PENDING
        )

    assert caught.value.code == ErrorCode.INVALID_TRANSITION
    assert Conversation.objects.get(pk=fine.pk).status != Status.PENDING
    assert Message.objects.count() == events_before


def test_an_agent_may_not_bulk_assign_to_someone_else(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    tickets = [make_ticket(), make_ticket()]

    with pytest.raises(ApplicationError) as caught:
        tickets_bulk_assign(
            actor=world.agent, ticket_ids=[t.pk for t in tickets], assignee=world.other_agent
        )

    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert not Conversation.objects.filter(assignee__isnull=False).exists()


def test_a_member_of_another_workspace_cannot_be_given_tickets(
    world: World, other_world: World, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket()

    with pytest.raises(ApplicationError) as caught:
        tickets_bulk_assign(
            actor=world.supervisor, ticket_ids=[ticket.pk], assignee=other_world.agent
        )

    assert caught.value.code == ErrorCode.NOT_FOUND
    assert Conversation.objects.get(pk=ticket.pk).assignee_id is None


def test_an_inactive_member_cannot_be_given_tickets(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket()
    world.other_agent.is_active = False
    world.other_agent.save(update_fields=["is_active"])

    with pytest.raises(ApplicationError) as caught:
        tickets_bulk_assign(
            actor=world.supervisor, ticket_ids=[ticket.pk], assignee=world.other_agent
        )

    assert caught.value.code == ErrorCode.NOT_FOUND
    assert Conversation.objects.get(pk=ticket.pk).assignee_id is None


def test_solving_in_bulk_asks_each_customer_for_a_rating(
    world: World, make_ticket: Callable[..., Ticket], published: Published
) -> None:
    tickets = [make_ticket(), make_ticket()]

    with published.committing():
        tickets_bulk_set_status(
            actor=world.supervisor, ticket_ids=[t.pk for t in tickets], status=ViewStatus.SOLVED
        )

    assert {f["conversation"] for f in published.frames("csat.request")} == {t.pk for t in tickets}
    assert CsatResponse.objects.filter(answered_at__isnull=True).count() == 2


def test_over_the_api_refusals_change_nothing(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    tickets = [make_ticket(), make_ticket()]
    Conversation.objects.filter(pk=tickets[1].pk).update(status=Status.BOT)
    url = f"/api/v1/workspaces/{world.workspace.slug}/tickets/bulk/"
    ids = [t.pk for t in tickets]
    events_before = Message.objects.count()

    as_agent = client_for(world.agent).post(
        url, {"ids": ids, "action": "assign", "assignee": world.other_agent.pk}, format="json"
    )
    bad_move = client_for(world.supervisor).post(
        url, {"ids": ids, "action": "set_status", "status": "pending"}, format="json"
    )

    assert as_agent.status_code == 403
    assert bad_move.status_code == 409
    assert bad_move.json()["code"] == "invalid_transition"
    assert Message.objects.count() == events_before
    assert not Conversation.objects.filter(pk__in=ids, assignee__isnull=False).exists()
    assert not Conversation.objects.filter(pk__in=ids, status=Status.PENDING).exists()

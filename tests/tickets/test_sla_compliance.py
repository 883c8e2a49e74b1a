"""SLA compliance for reports: tickets whose targets fell due or were met in a period, by the
member or team they were with at that moment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from parley.accounts.models import Team
from parley.conversations.models import Priority
from parley.conversations.services import Sender, conversation_assign, message_send
from parley.tickets.models import Ticket
from parley.tickets.selectors import SlaCompliance, sla_compliance
from parley.tickets.sla.timers import sla_timers_check
from tests.conftest import World
from tests.tickets.sla_support import Clock, make_policy


def test_met_and_breached_per_member_and_team(
    world: World, other_world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    make_policy(world.workspace)
    make_policy(other_world.workspace)
    team = Team.objects.get(workspace=world.workspace)
    start = clock.now
    on_time, late, elsewhere = (make_ticket(priority=Priority.URGENT) for _ in range(3))
    for ticket, agent in ((on_time, world.agent), (late, world.other_agent)):
        conversation_assign(conversation=ticket.conversation, assignee=agent, actor=agent)
    conversation_assign(
        conversation=elsewhere.conversation, assignee=world.agent, actor=world.agent
    )
    # Another tenant's breach never counts here.
    make_ticket(other_world, priority=Priority.URGENT)

    clock.advance(minutes=10)
    message_send(conversation=on_time.conversation, sender=Sender.of_member(world.agent), body="Hi")
    clock.advance(minutes=25)  # 35 minutes in: the urgent first-response target (30) passed
    sla_timers_check(now=clock.now)

    by_member = sla_compliance(
        workspace_id=world.workspace.pk, start=start, end=clock.now + timedelta(1), by="member"
    )
    assert by_member == {
        world.agent.pk: SlaCompliance(met=1, breached=1),  # on_time met; elsewhere breached
        world.other_agent.pk: SlaCompliance(met=0, breached=1),
    }
    # The team of each ticket at the time: none was set, so no team figures.
    assert (
        sla_compliance(
            workspace_id=world.workspace.pk, start=start, end=clock.now + timedelta(1), by="team"
        )
        == {}
    )
    assert team.pk not in by_member
    # Outside the period: nothing.
    assert (
        sla_compliance(
            workspace_id=world.workspace.pk,
            start=start - timedelta(days=2),
            end=start,
            by="member",
        )
        == {}
    )

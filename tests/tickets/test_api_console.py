"""What the console's ticket views need from the API: team, inbox and text filters, orderings,
the views' counts, editing the subject, and bulk team and status changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parley.accounts.models import AuditEvent, Team
from parley.conversations.models import Conversation, Message, Status
from parley.conversations.services import conversation_assign, conversation_set_status
from parley.tickets.models import Ticket
from parley.tickets.services import tickets_bulk_set_team
from tests.conftest import Published, World, audit_lock_queries, client_for
from tests.factories import ContactFactory, InboxFactory, TeamFactory


def base(world: World) -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}"


def team_of(world: World) -> Team:
    return Team.objects.get(workspace=world.workspace)


def numbers(world: World, query: str, member: Any = None) -> list[int]:
    response = client_for(member or world.supervisor).get(f"{base(world)}/tickets/?{query}")
    assert response.status_code == 200, response.json()
    return [row["number"] for row in response.json()["results"]]


def test_list_filters_by_team_inbox_and_text(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    wang = ContactFactory(workspace=world.workspace, name="王小明", email="xm@example.com")
    refund = make_ticket(subject="Refund for order 1234")
    other_inbox = InboxFactory(workspace=world.workspace)
    delivery = make_ticket(subject="Where is my parcel", contact=wang, inbox=other_inbox)
    Conversation.objects.filter(pk=refund.pk).update(team=team_of(world))

    assert numbers(world, f"team={team_of(world).pk}") == [refund.number]
    assert numbers(world, f"inbox={other_inbox.pk}") == [delivery.number]
    assert numbers(world, "q=refund") == [refund.number]
    assert numbers(world, "q=小明") == [delivery.number]
    assert numbers(world, "q=XM@EXAMPLE") == [delivery.number]
    assert numbers(world, f"q=%23{refund.number}") == [refund.number]
    assert numbers(world, f"q={delivery.number}") == [delivery.number]
    assert numbers(world, "q=nothing-like-this") == []


def test_orderings_updated_and_created(world: World, make_ticket: Callable[..., Ticket]) -> None:
    first, second = make_ticket(), make_ticket()
    later = timezone.now() + timedelta(minutes=5)
    Conversation.objects.filter(pk=first.pk).update(last_activity_at=later)

    assert numbers(world, "") == [second.number, first.number]
    assert numbers(world, "ordering=updated") == [first.number, second.number]
    assert numbers(world, "ordering=created") == [second.number, first.number]
    response = client_for(world.supervisor).get(f"{base(world)}/tickets/?ordering=random")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_rows_carry_updated_at(world: World, make_ticket: Callable[..., Ticket]) -> None:
    ticket = make_ticket()
    activity = Conversation.objects.get(pk=ticket.pk).last_activity_at

    row = client_for(world.supervisor).get(f"{base(world)}/tickets/").json()["results"][0]

    assert row["updated_at"] == activity.isoformat()


def test_counts_of_the_views_follow_the_other_filters(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    mine, _free, _theirs = make_ticket(), make_ticket(), make_ticket(subject="Refund again")
    conversation_assign(conversation=mine.conversation, assignee=world.agent, actor=world.agent)
    conversation_assign(
        conversation=_theirs.conversation, assignee=world.other_agent, actor=world.supervisor
    )
    api = client_for(world.agent)

    counts = api.get(f"{base(world)}/tickets/?assignee=me").json()["counts"]
    filtered = api.get(f"{base(world)}/tickets/?q=refund").json()["counts"]

    assert counts == {"mine": 1, "unassigned": 1, "all": 3}
    assert filtered == {"mine": 1, "unassigned": 1, "all": 3}
    assert api.get(f"{base(world)}/tickets/?q=again").json()["counts"] == {
        "mine": 0,
        "unassigned": 0,
        "all": 1,
    }


@pytest.mark.parametrize("count", [2, 8])
def test_list_with_counts_takes_the_same_queries_for_any_number(
    world: World, make_ticket: Callable[..., Ticket], count: int
) -> None:
    for _ in range(count):
        make_ticket(tags=["vip"])
    api = client_for(world.supervisor)

    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"{base(world)}/tickets/?ordering=updated")

    assert len(response.json()["results"]) == count
    # session/member lookups, the page, its tags, the counts: never one per ticket.
    assert len(queries) <= 8, [q["sql"] for q in queries]


def test_another_workspace_never_counts_nor_matches(
    world: World, other_world: World, make_ticket: Callable[..., Ticket]
) -> None:
    make_ticket(other_world, subject="Refund secret")

    body = client_for(world.supervisor).get(f"{base(world)}/tickets/?q=secret").json()

    assert body["results"] == []
    assert body["counts"] == {"mine": 0, "unassigned": 0, "all": 0}


def test_patch_subject_changes_the_topic_and_is_audited(
    world: World, make_ticket: Callable[..., Ticket], published: Published
) -> None:
    ticket = make_ticket()
    api = client_for(world.supervisor)

    with published.committing():
        response = api.patch(
            f"{base(world)}/tickets/{ticket.pk}/", {"subject": "  Refund, twice  "}, format="json"
        )

    assert response.status_code == 200, response.json()
    assert response.json()["subject"] == "Refund, twice"
    assert Conversation.objects.get(pk=ticket.pk).topic == "Refund, twice"
    audit = AuditEvent.objects.get(action="ticket.updated")
    assert audit.data == {"subject": "Refund, twice"}
    assert [f["ticket"]["subject"] for f in published.frames("ticket.updated")] == ["Refund, twice"]


def test_a_blank_subject_is_refused_and_the_old_one_kept(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket(subject="Refund")

    response = client_for(world.supervisor).patch(
        f"{base(world)}/tickets/{ticket.pk}/", {"subject": "   "}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "subject" in response.json()["fields"]
    assert Ticket.objects.get(pk=ticket.pk).subject == "Refund"


@pytest.mark.parametrize("count", [2, 6])
def test_bulk_team_takes_the_same_queries_for_any_number(
    world: World,
    make_ticket: Callable[..., Ticket],
    django_assert_num_queries: Callable[..., Any],
    count: int,
) -> None:
    many = [make_ticket() for _ in range(count)]
    team = team_of(world)

    # Lock, UPDATE, INSERT events, the audit chain's lock, INSERT audits, the workspace's SLA
    # policies (none here, so no clock to move), read tickets, their tags, savepoint pair: the
    # same for any number.
    with django_assert_num_queries(10 + audit_lock_queries()):
        changed = tickets_bulk_set_team(
            actor=world.supervisor, ticket_ids=[t.pk for t in many], team=team
        )

    assert changed == count
    assert set(
        Conversation.objects.filter(pk__in=[t.pk for t in many]).values_list("team_id", flat=True)
    ) == {team.pk}
    events = Message.objects.filter(
        conversation_id__in=[t.pk for t in many], data__event="team_changed"
    )
    assert events.count() == count
    assert AuditEvent.objects.filter(action="ticket.bulk_team").count() == count


def test_bulk_team_and_status_over_the_api(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    tickets = [make_ticket(), make_ticket()]
    ids = [t.pk for t in tickets]
    api = client_for(world.supervisor)

    def bulk(**body: Any) -> Any:
        return api.post(f"{base(world)}/tickets/bulk/", {"ids": ids, **body}, format="json")

    assert bulk(action="set_team", team=team_of(world).pk).json() == {"changed": 2}
    assert bulk(action="set_team", team=None).json() == {"changed": 2}
    assert bulk(action="set_status", status="pending").json() == {"changed": 2}
    assert set(Conversation.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        Status.PENDING
    }
    assert bulk(action="set_status").status_code == 400
    assert bulk(action="set_status", status="closed").status_code == 400


def test_bulk_team_of_another_workspace_is_not_found(
    world: World, other_world: World, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket()
    foreign_team = TeamFactory(workspace=other_world.workspace)

    response = client_for(world.supervisor).post(
        f"{base(world)}/tickets/bulk/",
        {"ids": [ticket.pk], "action": "set_team", "team": foreign_team.pk},
        format="json",
    )

    assert response.status_code == 404
    assert Conversation.objects.get(pk=ticket.pk).team_id is None


def test_bulk_status_with_a_closed_ticket_changes_nothing(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    open_one, closed = make_ticket(), make_ticket()
    conversation_set_status(conversation=closed.conversation, status="resolved", actor=world.admin)
    Ticket.objects.filter(pk=closed.pk).update(closed_at=timezone.now())

    response = client_for(world.supervisor).post(
        f"{base(world)}/tickets/bulk/",
        {"ids": [open_one.pk, closed.pk], "action": "set_status", "status": "solved"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert f"#{closed.number}" in response.json()["detail"]
    assert Conversation.objects.get(pk=open_one.pk).status != Status.RESOLVED


def test_an_agent_may_not_move_someone_elses_tickets_to_a_team(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    theirs = make_ticket()
    conversation_assign(
        conversation=theirs.conversation, assignee=world.other_agent, actor=world.supervisor
    )

    response = client_for(world.agent).post(
        f"{base(world)}/tickets/bulk/",
        {"ids": [theirs.pk], "action": "set_team", "team": team_of(world).pk},
        format="json",
    )

    assert response.status_code == 403
    assert Conversation.objects.get(pk=theirs.pk).team_id is None

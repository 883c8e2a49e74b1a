"""A ticket's detail names the tickets that follow it up; lists do not (their budget stays)."""

from __future__ import annotations

from collections.abc import Callable

from parley.tickets.models import Ticket
from tests.conftest import World, client_for
from tests.factories import InboxFactory


def url(world: World, ticket: Ticket | None = None) -> str:
    base = f"/api/v1/workspaces/{world.workspace.slug}/tickets/"
    return f"{base}{ticket.pk}/" if ticket else base


def test_the_detail_lists_the_follow_ups_oldest_first(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    first = make_ticket()
    second_follow_up = make_ticket(follow_up_of=first)
    third_follow_up = make_ticket(follow_up_of=first)
    make_ticket()  # unrelated

    body = client_for(world.supervisor).get(url(world, first)).json()

    assert body["follow_ups"] == [
        {"id": second_follow_up.pk, "number": second_follow_up.number},
        {"id": third_follow_up.pk, "number": third_follow_up.number},
    ]
    follow_up = client_for(world.supervisor).get(url(world, second_follow_up)).json()
    assert follow_up["follow_up_of"] == first.number
    assert follow_up["follow_ups"] == []


def test_the_list_carries_no_follow_ups(world: World, make_ticket: Callable[..., Ticket]) -> None:
    first = make_ticket()
    make_ticket(follow_up_of=first)

    rows = client_for(world.supervisor).get(url(world)).json()["results"]

    assert all("follow_ups" not in row for row in rows)


def test_an_agent_sees_only_follow_ups_in_inboxes_they_work_in(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    first = make_ticket()
    elsewhere = InboxFactory(workspace=world.workspace)
    hidden = make_ticket(follow_up_of=first, inbox=elsewhere)
    shown = make_ticket(follow_up_of=first)

    as_agent = client_for(world.agent).get(url(world, first)).json()
    as_supervisor = client_for(world.supervisor).get(url(world, first)).json()

    assert [f["id"] for f in as_agent["follow_ups"]] == [shown.pk]
    assert [f["id"] for f in as_supervisor["follow_ups"]] == [hidden.pk, shown.pk]


def test_another_workspaces_ticket_is_not_found(
    world: World, other_world: World, make_ticket: Callable[..., Ticket]
) -> None:
    foreign = make_ticket(other_world)

    response = client_for(world.supervisor).get(url(world, foreign))

    assert response.status_code == 404

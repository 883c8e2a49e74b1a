"""SLA policies over REST: roles, tenant isolation, validation with data intact, audit, order;
and the tickets list's sla part, filter, order and query budget."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from parley.accounts.models import AuditEvent, Team
from parley.conversations.models import Priority
from parley.conversations.services import conversation_assign
from parley.tickets.models import Ticket
from parley.tickets.sla.timers import sla_timers_check
from parley.tickets.sla_models import SlaPolicy, TicketSla
from tests.conftest import World, client_for
from tests.factories import InboxFactory
from tests.tickets.sla_support import Clock, make_policy

LIST_QUERIES = 4
TARGETS = {"urgent": {"first_response": 30, "resolution": 240}, "normal": {"resolution": 1440}}


def url(world: World, rest: str = "") -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}/sla-policies/{rest}"


def test_an_admin_creates_a_policy_with_an_audit_record(world: World) -> None:
    team = Team.objects.get(workspace=world.workspace)
    response = client_for(world.admin).post(
        url(world),
        {
            "name": "VIP",
            "targets": TARGETS,
            "inbox": world.inbox.pk,
            "team": team.pk,
            "business_hours": True,
            "warning_percent": 25,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "VIP"
    assert body["inbox"] == {"id": world.inbox.pk, "name": world.inbox.name}
    assert body["team"] == {"id": team.pk, "name": team.name}
    assert body["targets"]["urgent"] == {"first_response": 30, "resolution": 240}
    assert body["targets"]["normal"] == {"first_response": None, "resolution": 1440}
    assert body["targets"]["low"] == {"first_response": None, "resolution": None}
    assert body["warning_percent"] == 25
    audit = AuditEvent.objects.get(action="sla_policy.created")
    assert (audit.actor, audit.target_id) == (world.admin, str(body["id"]))


@pytest.mark.parametrize("role", ["supervisor", "agent"])
def test_supervisors_and_agents_read_but_may_not_change(world: World, role: str) -> None:
    policy = make_policy(world.workspace, name="Standard")
    client = client_for(world.member(role))

    listed = client.get(url(world))
    assert listed.status_code == 200
    assert [p["name"] for p in listed.json()["results"]] == ["Standard"]
    for response in (
        client.post(url(world), {"name": "Mine", "targets": TARGETS}, format="json"),
        client.patch(url(world, f"{policy.pk}/"), {"name": "Renamed"}, format="json"),
        client.delete(url(world, f"{policy.pk}/")),
        client.post(url(world, "reorder/"), {"ids": [policy.pk]}, format="json"),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    assert SlaPolicy.objects.get().name == "Standard"


def test_another_workspace_sees_and_changes_nothing(world: World, other_world: World) -> None:
    policy = make_policy(world.workspace, name="Ours")
    stranger = client_for(other_world.owner)

    assert stranger.get(url(other_world)).json()["results"] == []
    for response in (
        stranger.get(url(other_world, f"{policy.pk}/")),
        stranger.patch(url(other_world, f"{policy.pk}/"), {"name": "Theirs"}, format="json"),
        stranger.delete(url(other_world, f"{policy.pk}/")),
    ):
        assert response.status_code == 404
    # Their own URL with our slug: not a member there.
    assert stranger.get(url(world)).status_code in {403, 404}
    # Conditions naming another tenant's inbox are refused.
    response = stranger.post(
        url(other_world), {"name": "X", "targets": TARGETS, "inbox": world.inbox.pk}, format="json"
    )
    assert response.status_code == 400
    assert SlaPolicy.objects.get().name == "Ours"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"targets": {"critical": {"resolution": 10}}}, "targets.critical"),
        ({"targets": {"urgent": {"resolution": 0}}}, "targets.urgent.resolution"),
        ({"targets": {"urgent": {"resolution": "soon"}}}, "targets.urgent.resolution"),
        ({"targets": {"urgent": {"answer": 10}}}, "targets.urgent.answer"),
        ({"warning_percent": 100}, "warning_percent"),
        ({"name": "   "}, "name"),
        ({"name": "Other"}, "name"),  # taken
        ({"team": 999999}, "team"),
    ],
)
def test_bad_input_is_refused_and_the_policy_stays_as_it_was(
    world: World, change: dict[str, Any], field: str
) -> None:
    make_policy(world.workspace, name="Other")
    policy = make_policy(world.workspace, name="Standard")
    before = SlaPolicy.objects.filter(pk=policy.pk).values().get()

    response = client_for(world.owner).patch(url(world, f"{policy.pk}/"), change, format="json")

    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert field in str(response.json())
    assert SlaPolicy.objects.filter(pk=policy.pk).values().get() == before
    assert not AuditEvent.objects.filter(action__startswith="sla_policy.").exists()


def test_changing_targets_moves_the_clocks_of_open_tickets(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    policy = make_policy(world.workspace)
    ticket = make_ticket(priority=Priority.URGENT)

    response = client_for(world.admin).patch(
        url(world, f"{policy.pk}/"),
        {"targets": {"urgent": {"first_response": 15, "resolution": 120}}},
        format="json",
    )

    assert response.status_code == 200
    row = TicketSla.objects.get(pk=ticket.pk)
    assert row.first_response_due_at == ticket.created_at + timedelta(minutes=15)
    assert row.resolution_due_at == ticket.created_at + timedelta(minutes=120)
    assert AuditEvent.objects.filter(action="sla_policy.updated").count() == 1


def test_deleting_a_policy_moves_its_tickets_to_the_next_match(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    first = make_policy(world.workspace, name="First")
    fallback = make_policy(world.workspace, name="Fallback")
    ticket = make_ticket()
    assert TicketSla.objects.get(pk=ticket.pk).policy == first

    assert client_for(world.owner).delete(url(world, f"{first.pk}/")).status_code == 204

    assert TicketSla.objects.get(pk=ticket.pk).policy == fallback
    assert AuditEvent.objects.filter(action="sla_policy.deleted").count() == 1


def test_reorder_names_every_policy_once(world: World) -> None:
    a = make_policy(world.workspace, name="A")
    b = make_policy(world.workspace, name="B")
    client = client_for(world.admin)

    refused = client.post(url(world, "reorder/"), {"ids": [b.pk]}, format="json")
    assert refused.status_code == 400
    assert list(SlaPolicy.objects.values_list("name", flat=True)) == ["A", "B"]

    done = client.post(url(world, "reorder/"), {"ids": [b.pk, a.pk]}, format="json")
    assert done.status_code == 200
    assert [p["name"] for p in done.json()["results"]] == ["B", "A"]


# --- the tickets list ------------------------------------------------------------------------


def tickets_url(world: World) -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}/tickets/"


def test_the_ticket_payload_has_the_sla_contract(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    policy = make_policy(world.workspace, inbox=world.inbox)
    ticket = make_ticket(priority=Priority.URGENT)
    without = make_ticket(inbox=InboxFactory(workspace=world.workspace))

    rows = client_for(world.supervisor).get(tickets_url(world)).json()["results"]
    by_id = {r["id"]: r for r in rows}

    assert by_id[without.pk]["sla"] is None
    assert by_id[ticket.pk]["sla"] == {
        "policy": {"id": policy.pk, "name": policy.name},
        "state": "ok",
        "first_response": {
            "due_at": (ticket.created_at + timedelta(minutes=30)).isoformat(),
            "met_at": None,
            "breached": False,
        },
        "resolution": {
            "due_at": (ticket.created_at + timedelta(minutes=240)).isoformat(),
            "met_at": None,
            "breached": False,
            "paused": False,
            "remaining_seconds": None,
        },
    }


def test_filter_by_sla_state_and_order_by_next_due(
    world: World, make_ticket: Callable[..., Ticket], clock: Clock
) -> None:
    make_policy(world.workspace, inbox=world.inbox)
    low = make_ticket(priority=Priority.LOW)  # first response due in 8 h
    urgent = make_ticket(priority=Priority.URGENT)  # 30 min
    high = make_ticket(priority=Priority.HIGH)  # 60 min
    none = make_ticket(inbox=InboxFactory(workspace=world.workspace))  # no policy there
    client = client_for(world.supervisor)

    clock.advance(minutes=50)  # urgent breached, high in its warning time (48 min)
    sla_timers_check(now=clock.now)

    def ids(**params: str) -> list[int]:
        response = client.get(tickets_url(world), params)
        assert response.status_code == 200, response.json()
        return [r["id"] for r in response.json()["results"]]

    assert ids(sla="breached") == [urgent.pk]
    assert ids(sla="warning") == [high.pk]
    assert ids(sla="ok") == [low.pk]
    assert ids(sla="none") == [none.pk]
    assert ids(sla="met") == []
    assert ids(ordering="sla_due") == [urgent.pk, high.pk, low.pk, none.pk]
    # The filter agrees with the state each payload shows.
    for row in client.get(tickets_url(world)).json()["results"]:
        state = row["sla"]["state"] if row["sla"] else "none"
        assert row["id"] in ids(sla=state)
    bad = client.get(tickets_url(world), {"sla": "late"})
    assert bad.status_code == 400


@pytest.mark.parametrize("count", [2, 6])
def test_the_list_with_sla_takes_the_same_queries_for_any_number(
    world: World,
    make_ticket: Callable[..., Ticket],
    clock: Clock,
    django_assert_num_queries: Callable[..., Any],
    count: int,
) -> None:
    make_policy(world.workspace)
    for _ in range(count):
        ticket = make_ticket(priority=Priority.URGENT)
        conversation_assign(
            conversation=ticket.conversation, assignee=world.agent, actor=world.agent
        )
    client = client_for(world.supervisor)
    client.get(tickets_url(world))  # warm the session and membership caches alike

    # membership, the page with its SLA row and policy joined in, its tags, the view counts
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(tickets_url(world), {"ordering": "sla_due"})
    assert len(response.json()["results"]) == count
    assert all(r["sla"]["state"] == "ok" for r in response.json()["results"])

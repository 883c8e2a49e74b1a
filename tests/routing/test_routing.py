"""Routing against the database: policies end to end, capacity, the queue, presence, transfer."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import timezone

from parley.conversations import services as conversation_services
from parley.conversations.models import Conversation, Status
from parley.conversations.presence import mark_present
from parley.conversations.realtime import contact_group, member_group
from parley.errors import ApplicationError
from parley.routing import services
from parley.routing.models import AgentSkill, AgentState
from tests.conftest import client_for
from tests.factories import ContactFactory, ConversationFactory, MemberFactory, TeamFactory


def set_policy(inbox, policy, **extra):
    inbox.settings = {**inbox.settings, "routing": {"policy": policy, **extra}}
    inbox.save()


def capacity(member, n):
    AgentState.objects.update_or_create(member=member, defaults={"max_concurrent": n})


def queued(world, n=1, **kwargs):
    return [
        conversation_services.conversation_start(
            inbox=world.inbox, contact=ContactFactory(workspace=world.workspace), **kwargs
        )
        for _ in range(n)
    ]


def assignee_of(conversation):
    conversation.refresh_from_db()
    return conversation.assignee


def open_load(member):
    return Conversation.objects.filter(assignee=member, status=Status.OPEN).count()


def test_a_manual_inbox_routes_nothing(world):
    mark_present([world.agent.pk])
    (conversation,) = queued(world)
    assert services.route_inbox(inbox_id=world.inbox.pk) == []
    assert assignee_of(conversation) is None


def test_least_busy_spreads_work_and_respects_capacity(world):
    set_policy(world.inbox, "least_busy")
    capacity(world.agent, 2)
    capacity(world.other_agent, 1)
    mark_present([world.agent.pk, world.other_agent.pk])
    conversations = queued(world, 5)
    routed = services.route_inbox(inbox_id=world.inbox.pk)
    assert len(routed) == 3
    assert open_load(world.agent) == 2 and open_load(world.other_agent) == 1
    waiting = [c for c in conversations if assignee_of(c) is None]
    assert [c.pk for c in waiting] == [c.pk for c in conversations[3:]]  # oldest went first
    event = conversations[0].messages.get(kind="event")
    assert event.private and event.data["event"] == "assigned" and event.data["by"] is None


def test_the_queue_drains_by_priority_then_age(world):
    set_policy(world.inbox, "least_busy")
    capacity(world.agent, 1)
    old, urgent = queued(world, 2)
    urgent.priority = 3
    urgent.save()
    mark_present([world.agent.pk])
    services.route_inbox(inbox_id=world.inbox.pk)
    assert assignee_of(urgent) == world.agent and assignee_of(old) is None
    # Capacity frees: the next in line goes.
    conversation_services.conversation_set_status(
        conversation=urgent, status=Status.RESOLVED, actor=world.agent
    )
    services.route_inbox(inbox_id=world.inbox.pk)
    assert assignee_of(old) == world.agent


def test_away_or_disconnected_agents_get_nothing(world, client):
    set_policy(world.inbox, "least_busy")
    services.availability_set(member=world.agent, availability="away")
    mark_present([world.agent.pk])  # connected, but away
    (conversation,) = queued(world)  # other_agent is online but has no console open
    services.route_inbox(inbox_id=world.inbox.pk)
    assert assignee_of(conversation) is None
    services.availability_set(member=world.agent, availability="online")
    services.route_inbox(inbox_id=world.inbox.pk)
    assert assignee_of(conversation) == world.agent


def test_presence_runs_out_after_the_grace_period(world):
    set_policy(world.inbox, "least_busy")
    mark_present([world.agent.pk])
    cache.delete(f"presence:member:{world.agent.pk}")  # what the TTL does after 60 s
    (conversation,) = queued(world)
    services.route_inbox(inbox_id=world.inbox.pk)
    assert assignee_of(conversation) is None
    row = (
        client_for(world.supervisor)
        .get(f"/api/v1/workspaces/{world.workspace.slug}/routing/agents/")
        .json()
    )
    mine = next(r for r in row if r["member"]["id"] == world.agent.pk)
    assert mine["availability"] == "online" and mine["status"] == "offline"


def test_round_robin_takes_turns(world):
    set_policy(world.inbox, "round_robin")
    mark_present([world.agent.pk, world.other_agent.pk])
    first, second, third = queued(world, 3)
    services.route_inbox(inbox_id=world.inbox.pk)
    order = [assignee_of(c) for c in (first, second, third)]
    assert order[0] != order[1] and order[0] == order[2]


def test_skills_route_a_topic_to_the_skilled_agent(world):
    set_policy(world.inbox, "skills", topic_skills={"退款": ["refunds"]})
    AgentSkill.objects.create(member=world.other_agent, skill="refunds", level=3)
    mark_present([world.agent.pk, world.other_agent.pk])
    (refund,) = queued(world, topic="退款")
    (general,) = queued(world)
    services.route_inbox(inbox_id=world.inbox.pk)
    assert assignee_of(refund) == world.other_agent
    assert assignee_of(general) == world.agent


def test_sticky_brings_a_returning_contact_back_to_their_agent(world):
    set_policy(world.inbox, "sticky", sticky_wait_seconds=120)
    mark_present([world.agent.pk, world.other_agent.pk])
    ConversationFactory(
        inbox=world.inbox,
        contact=world.contact,
        assignee=world.other_agent,
        status=Status.RESOLVED,
    )
    conversation = conversation_services.conversation_start(
        inbox=world.inbox, contact=world.contact
    )
    services.route_inbox(inbox_id=world.inbox.pk)
    assert assignee_of(conversation) == world.other_agent


def test_a_conversation_with_a_team_goes_only_to_that_teams_agents(world):
    set_policy(world.inbox, "least_busy")
    team = TeamFactory(workspace=world.workspace)
    outsider = MemberFactory(workspace=world.workspace)
    team.members.add(outsider)
    mark_present([world.agent.pk, outsider.pk])
    (conversation,) = queued(world)
    conversation.team = team
    conversation.save()
    services.route_inbox(inbox_id=world.inbox.pk)
    assert assignee_of(conversation) == outsider


def test_waiting_contacts_hear_their_place_and_an_estimate(world, published):
    set_policy(world.inbox, "least_busy")
    capacity(world.agent, 1)
    mark_present([world.agent.pk])
    first, second, third = queued(world, 3)
    with published.committing():
        services.route_inbox(inbox_id=world.inbox.pk)
    second_frames = published.frames("queue.position", group=contact_group(second.contact_id))
    third_frames = published.frames("queue.position", group=contact_group(third.contact_id))
    assert second_frames[-1]["position"] == 1 and third_frames[-1]["position"] == 2
    # One agent with one place, 300 s per conversation by default: 300 s, then 600 s.
    assert second_frames[-1]["estimated_wait_seconds"] == 300
    assert third_frames[-1]["estimated_wait_seconds"] == 600
    assert not published.frames("queue.position", group=contact_group(first.contact_id))


def test_a_pass_does_not_resend_a_place_that_did_not_change(world, published):
    queued(world, 2)
    with published.committing():
        services.route_inbox(inbox_id=world.inbox.pk)
    assert len(published.frames("queue.position")) == 2
    published.sent.clear()
    with published.committing():
        services.route_inbox(inbox_id=world.inbox.pk)
    assert published.frames("queue.position") == []


def test_a_pass_sends_the_places_that_changed(world, published):
    first, second, third = queued(world, 3)
    with published.committing():
        services.route_inbox(inbox_id=world.inbox.pk)
    published.sent.clear()
    # The second leaves the queue: the third moves up; the first keeps its place.
    conversation_services.conversation_assign(
        conversation=second, assignee=world.agent, actor=world.agent
    )
    with published.committing():
        services.route_inbox(inbox_id=world.inbox.pk)
    (moved,) = published.frames("queue.position")
    assert moved["conversation"] == third.pk and moved["position"] == 2
    assert published.groups_of("queue.position") == [[contact_group(third.contact_id)]]
    published.sent.clear()
    # Nobody moves, but an agent becomes available: every estimate changes, so all are told.
    mark_present([world.agent.pk])
    with published.committing():
        services.route_inbox(inbox_id=world.inbox.pk)
    frames = published.frames("queue.position")
    assert [f["conversation"] for f in frames] == [first.pk, third.pk]
    assert [f["position"] for f in frames] == [1, 2]
    assert all(f["estimated_wait_seconds"] is not None for f in frames)


def test_chats_starting_one_after_another_are_each_told_their_place_once(
    world, published, django_capture_on_commit_callbacks
):
    """The benchmark's start: visitors open chats one by one, each start routes the inbox.
    A newcomer joins the end of the queue, so nobody ahead of it moves: 20 frames, where
    telling every waiting contact at every pass sent 1 + 2 + … + 20 = 210."""
    for _ in range(20):
        with django_capture_on_commit_callbacks(execute=True):
            queued(world)  # eager jobs: each start's pass runs at its commit
    frames = published.frames("queue.position")
    assert len(frames) == 20
    assert [f["position"] for f in frames] == list(range(1, 21))


def test_a_conversation_queued_again_is_told_its_place_again(world, published):
    (conversation,) = queued(world)
    with published.committing():
        services.route_inbox(inbox_id=world.inbox.pk)
    conversation_services.conversation_assign(
        conversation=conversation, assignee=world.agent, actor=world.agent
    )
    conversation_services.conversation_assign(
        conversation=conversation, assignee=None, actor=world.agent
    )
    conversation.refresh_from_db()
    assert conversation.status == Status.QUEUED
    published.sent.clear()
    with published.committing():
        services.route_inbox(inbox_id=world.inbox.pk)
    (frame,) = published.frames("queue.position")  # same place as before, but a new wait
    assert frame["conversation"] == conversation.pk and frame["position"] == 1


def test_a_place_not_sent_is_not_remembered(world, published):
    """Places are remembered at commit: a pass rolled back sends and remembers nothing."""
    from django.db import transaction

    queued(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.publish_queue_positions(inbox=world.inbox, now=timezone.now())
        raise RuntimeError("the pass failed")
    with published.committing():
        services.route_inbox(inbox_id=world.inbox.pk)
    assert len(published.frames("queue.position")) == 1


def test_a_long_wait_offers_leave_a_message(world, published):
    from datetime import timedelta

    from django.utils import timezone

    set_policy(world.inbox, "least_busy", queue_timeout_seconds=60)
    (conversation,) = queued(world)
    Conversation.objects.filter(pk=conversation.pk).update(
        queued_at=timezone.now() - timedelta(seconds=61)
    )
    with published.committing():
        services.route_inbox(inbox_id=world.inbox.pk)
    (frame,) = published.frames("queue.position")
    assert frame["offer_leave_message"] is True and frame["estimated_wait_seconds"] is None


def test_transfer_to_an_agent_notifies_them_and_records_it(world, published):
    conversation = ConversationFactory(inbox=world.inbox, assignee=world.agent, status="open")
    with published.committing():
        conversation_services.conversation_transfer(
            conversation=conversation,
            actor=world.agent,
            to_member=world.other_agent,
            note="Customer wants a refund",
        )
    conversation.refresh_from_db()
    assert conversation.assignee == world.other_agent
    note, event = conversation.messages.order_by("seq")
    assert note.private and note.body == "Customer wants a refund"
    assert event.kind == "event" and event.data["event"] == "transferred" and event.private
    (notice,) = published.frames("notification", group=member_group(world.other_agent.pk))
    assert notice["kind"] == "transfer" and notice["note"] == "Customer wants a refund"
    assert published.frames("conversation.updated", group=member_group(world.agent.pk))


def test_transfer_to_a_team_goes_through_routing(world):
    set_policy(world.inbox, "least_busy")
    team = TeamFactory(workspace=world.workspace)
    specialist = MemberFactory(workspace=world.workspace)
    team.members.add(specialist)
    mark_present([world.agent.pk, specialist.pk])
    conversation = ConversationFactory(inbox=world.inbox, assignee=world.agent, status="open")
    conversation_services.conversation_transfer(
        conversation=conversation, actor=world.agent, to_team=team
    )
    conversation.refresh_from_db()
    assert conversation.status == Status.QUEUED and conversation.team == team
    services.route_inbox(inbox_id=world.inbox.pk)
    assert assignee_of(conversation) == specialist


def test_transfer_rules(world, other_world):
    conversation = ConversationFactory(inbox=world.inbox, assignee=world.other_agent, status="open")
    api = client_for(world.agent)
    url = f"/api/v1/workspaces/{world.workspace.slug}/conversations/{conversation.pk}/transfer/"
    assert api.post(url, {"assignee": world.agent.pk}, format="json").status_code == 403
    supervisor = client_for(world.supervisor)
    assert supervisor.post(url, {}, format="json").status_code == 400
    assert (
        supervisor.post(url, {"assignee": other_world.agent.pk}, format="json").status_code == 404
    )
    ok = supervisor.post(url, {"assignee": world.agent.pk, "note": "yours"}, format="json")
    assert ok.status_code == 200 and ok.json()["assignee"]["id"] == world.agent.pk


def test_availability_api_and_supervisor_views(world):
    base = f"/api/v1/workspaces/{world.workspace.slug}/routing/"
    agent = client_for(world.agent)
    assert (
        agent.put(base + "me/", {"availability": "away"}, format="json").json()["availability"]
        == "away"
    )
    assert agent.put(base + "me/", {"availability": "asleep"}, format="json").status_code == 400
    assert agent.get(base + "agents/").status_code == 403
    assert (
        agent.patch(
            base + f"agents/{world.agent.pk}/", {"max_concurrent": 9}, format="json"
        ).status_code
        == 403
    )
    supervisor = client_for(world.supervisor)
    row = supervisor.patch(
        base + f"agents/{world.agent.pk}/",
        {"max_concurrent": 2, "skills": {"refunds": 3}},
        format="json",
    ).json()
    assert row["capacity"] == 2 and row["skills"] == {"refunds": 3}
    set_policy(world.inbox, "manual")
    queued(world, 2)
    queue = supervisor.get(base + "queue/").json()
    assert [r["position"] for r in queue] == [1, 2]


def test_supervisor_settings_stay_in_their_workspace(world, other_world):
    with pytest.raises(ApplicationError):
        services.agent_configure(member=other_world.agent, actor=world.supervisor, max_concurrent=1)
    response = client_for(world.supervisor).patch(
        f"/api/v1/workspaces/{world.workspace.slug}/routing/agents/{other_world.agent.pk}/",
        {"max_concurrent": 1},
        format="json",
    )
    assert response.status_code == 404


def test_the_widget_can_ask_where_it_stands(world):
    from rest_framework.test import APIClient

    from tests.factories import ORIGIN

    set_policy(world.inbox, "least_busy")
    session = (
        APIClient()
        .post(
            "/api/widget/v1/sessions",
            {"inbox": world.inbox.public_key},
            format="json",
            headers={"Origin": ORIGIN},
        )
        .json()
    )
    widget = APIClient()
    widget.credentials(HTTP_AUTHORIZATION=f"Bearer {session['token']}", HTTP_ORIGIN=ORIGIN)
    queued(world)  # someone before us
    sent = widget.post(
        "/api/widget/v1/messages",
        {"client_id": "6f1c0c70-8f5e-4a4b-9b1e-4d7c8d8e0a11", "conversation": None, "body": "hi"},
        format="json",
    ).json()
    place = widget.get(f"/api/widget/v1/conversations/{sent['conversation']}/queue").json()
    assert place["queued"] is True and place["position"] == 2


@pytest.mark.django_db(transaction=True)
async def test_a_waiting_visitors_keep_alive_brings_a_fresh_queue_position():
    from asgiref.sync import sync_to_async

    from tests.conftest import build_world
    from tests.realtime import receive_until, widget_socket, widget_token

    world = await sync_to_async(build_world)()
    await sync_to_async(set_policy)(world.inbox, "least_busy")
    await sync_to_async(conversation_services.conversation_start)(
        inbox=world.inbox, contact=world.contact
    )
    socket, _ = await widget_socket(widget_token(world.contact.pk, world.inbox))
    await socket.send_json_to({"type": "ping"})
    await receive_until(socket, "pong")
    place = await receive_until(socket, "queue.position")
    assert place["queued"] is True and place["position"] == 1
    assert place["estimated_wait_seconds"] is None  # nobody available to take it
    await socket.disconnect()


def test_the_agent_a_team_transfer_reaches_is_told_with_the_note(world, published):
    set_policy(world.inbox, "least_busy")
    team = TeamFactory(workspace=world.workspace)
    specialist = MemberFactory(workspace=world.workspace)
    team.members.add(specialist)
    mark_present([specialist.pk])
    conversation = ConversationFactory(inbox=world.inbox, assignee=world.agent, status="open")
    conversation_services.conversation_transfer(
        conversation=conversation, actor=world.agent, to_team=team, note="VIP, refund approved"
    )
    with published.committing():
        services.route_inbox(inbox_id=world.inbox.pk)
    (notice,) = published.frames("notification", group=member_group(specialist.pk))
    assert notice["note"] == "VIP, refund approved"
    assert notice["by"] == {"id": world.agent.pk, "name": world.agent.name}


def test_agent_rows_tell_an_explicit_capacity_from_the_default(world):
    base = f"/api/v1/workspaces/{world.workspace.slug}/routing/"
    supervisor = client_for(world.supervisor)
    rows = {r["member"]["id"]: r for r in supervisor.get(base + "agents/").json()}
    assert rows[world.agent.pk]["max_concurrent"] is None and rows[world.agent.pk]["capacity"] == 5
    row = supervisor.patch(
        base + f"agents/{world.agent.pk}/", {"max_concurrent": 2}, format="json"
    ).json()
    assert row["max_concurrent"] == 2 and row["capacity"] == 2

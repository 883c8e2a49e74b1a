"""Many routers at once on PostgreSQL: no conversation goes to two agents, no agent over
capacity. (On SQLite writers are serialised by the database itself.)"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.db.models import Count

from parley.conversations.models import Conversation, Message, Status
from parley.conversations.presence import mark_present
from parley.inboxes.models import Inbox
from parley.routing import services
from parley.routing.models import AgentState
from tests.conftest import build_world
from tests.factories import ContactFactory, ConversationFactory, InboxFactory, MemberFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CAPACITY = 3
AGENTS = 8
CONVERSATIONS_PER_INBOX = 60
ROUTERS_PER_INBOX = 4


@pytest.fixture(autouse=True)
def needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what is tested: needs a PostgreSQL DATABASE_URL")


def test_parallel_routers_never_double_assign_nor_overfill():
    world = build_world()
    inboxes: list[Inbox] = [world.inbox, InboxFactory(workspace=world.workspace)]
    world.inbox.agents.clear()
    agents = [MemberFactory(workspace=world.workspace) for _ in range(AGENTS)]
    for inbox in inboxes:
        inbox.settings = {"routing": {"policy": "least_busy"}}
        inbox.save()
        inbox.agents.add(*agents)
        for _ in range(CONVERSATIONS_PER_INBOX):
            ConversationFactory(
                inbox=inbox,
                contact=ContactFactory(workspace=world.workspace),
                status=Status.QUEUED,
            )
    for agent in agents:
        AgentState.objects.create(member=agent, max_concurrent=CAPACITY)
    mark_present(a.pk for a in agents)

    errors: list[BaseException] = []
    start = threading.Barrier(len(inboxes) * ROUTERS_PER_INBOX)

    def router(inbox_id: int) -> None:
        try:
            start.wait()
            for _ in range(3):
                services.route_inbox(inbox_id=inbox_id)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=router, args=(inbox.pk,))
        for inbox in inboxes
        for _ in range(ROUTERS_PER_INBOX)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    loads = dict(
        Conversation.objects.filter(status=Status.OPEN)
        .values("assignee_id")
        .annotate(n=Count("pk"))
        .values_list("assignee_id", "n")
    )
    assert sorted(loads) == sorted(a.pk for a in agents)
    assert all(n == CAPACITY for n in loads.values()), loads  # full, never over
    routed_twice = (
        Message.objects.filter(kind="event", data__event="assigned")
        .values("conversation_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not routed_twice.exists()
    assert Conversation.objects.filter(status=Status.QUEUED).count() == (
        len(inboxes) * CONVERSATIONS_PER_INBOX - AGENTS * CAPACITY
    )

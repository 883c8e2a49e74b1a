"""When a chat asks routing to look at a queue, and how asks share one pass.

In production every ask used to publish a Celery job from the commit hook of the socket's
database thread (docs/benchmarks.md, "What the profiler found"). These tests count the asks
and the jobs a scripted chat causes, and pin the coalescing rules of parley/routing/tasks.py:
asks before a pass starts share it, an ask during a pass queues the next one, and no ask is
lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from parley.conversations import frames
from parley.conversations import services as conversation_services
from parley.conversations.consumers.agent import request_routing_for
from parley.conversations.consumers.widget import send_as_contact
from parley.conversations.models import Conversation, Status
from parley.conversations.presence import mark_present
from parley.routing import selectors, tasks
from parley.routing.models import AgentState
from tests.conftest import World
from tests.factories import ContactFactory


@dataclass
class Jobs:
    """Asks for a pass (before coalescing) and jobs published (after), as (kind, id)."""

    asked: list[tuple[str, int]] = field(default_factory=list)
    queued: list[tuple[str, int]] = field(default_factory=list)


@pytest.fixture
def jobs(monkeypatch) -> Iterator[Jobs]:
    """Production's way: jobs are published, not run; the test runs them when it wants."""
    record = Jobs()
    app = tasks.route_inbox.app
    app.conf.task_always_eager = False
    real_queue_once = tasks._queue_once

    def asking(task, kind, object_id):
        record.asked.append((kind, object_id))
        real_queue_once(task, kind, object_id)

    monkeypatch.setattr(tasks, "_queue_once", asking)
    monkeypatch.setattr(tasks.route_inbox, "delay", lambda i: record.queued.append(("inbox", i)))
    monkeypatch.setattr(
        tasks.route_member_inboxes, "delay", lambda i: record.queued.append(("member", i))
    )
    yield record
    app.conf.task_always_eager = True


def visitor_says(world: World, contact, conversation: int | None, body: str = "hello") -> int:
    frame = frames.MessageCreate(
        client_id=uuid.uuid4(),
        conversation=conversation,
        body=body,
        private=False,
        attachments=[],
        topic="",
    )
    ack = send_as_contact(contact=contact, inbox=world.inbox, frame=frame)
    return int(ack["conversation"])


def member_says(member, conversation_id: int) -> None:
    conversation_services.message_send(
        conversation=Conversation.objects.get(pk=conversation_id),
        sender=conversation_services.Sender.of_member(member),
        body="REST reply",
        client_id=uuid.uuid4(),
    )


def test_what_a_chat_asks_of_routing(world, jobs, django_capture_on_commit_callbacks):
    """The steady benchmark's chat, step by step: how many passes each step asks for, and how
    many jobs are published once asks before a pass share it."""
    inbox = ("inbox", world.inbox.pk)
    visitors = [ContactFactory(workspace=world.workspace) for _ in range(3)]

    def step(action) -> tuple[int, int]:
        asked, queued = len(jobs.asked), len(jobs.queued)
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return len(jobs.asked) - asked, len(jobs.queued) - queued

    # An agent's console opens: one job for the member, which looks at each of their inboxes.
    assert step(lambda: request_routing_for([world.agent])) == (1, 1)
    assert jobs.queued[-1] == ("member", world.agent.pk)

    # Each visitor's first message starts a queued conversation: one ask each; the first
    # publishes the inbox's job, the others find it pending.
    conversations: list[int] = []
    for n, visitor in enumerate(visitors):
        started = step(lambda v=visitor: conversations.append(visitor_says(world, v, None)))
        assert started == (1, 1 if n == 0 else 0)
    assert jobs.queued.count(inbox) == 1

    # Further visitor messages into a waiting conversation ask nothing.
    for visitor, conversation in zip(visitors, conversations, strict=True):
        assert step(lambda v=visitor, c=conversation: visitor_says(world, v, c)) == (0, 0)

    # The REST probe's reply takes an unassigned conversation (a state change): one ask, while
    # the inbox's job has not started yet, so no new job. A second reply asks nothing.
    assert step(lambda: member_says(world.admin, conversations[0])) == (1, 0)
    assert step(lambda: member_says(world.admin, conversations[0])) == (0, 0)

    # The worker starts the pass; the next state change publishes a job again.
    tasks.route_inbox(world.inbox.pk)
    assert step(lambda: member_says(world.admin, conversations[1])) == (1, 1)

    # Resolving asks (capacity is free), and so does the visitor who reopens it by writing.
    tasks.route_inbox(world.inbox.pk)
    resolve = conversation_services.conversation_set_status
    first = Conversation.objects.get(pk=conversations[0])
    assert step(lambda: resolve(conversation=first, status=Status.RESOLVED, actor=world.admin)) == (
        1,
        1,
    )
    assert step(lambda: visitor_says(world, visitors[0], conversations[0])) == (1, 0)

    assert len(jobs.asked) == 1 + 3 + 2 + 2
    assert jobs.queued == [("member", world.agent.pk), inbox, inbox, inbox]


def test_asks_before_a_pass_starts_share_it(world, jobs):
    for _ in range(5):
        tasks.request_route_inbox(world.inbox.pk)
    assert jobs.queued == [("inbox", world.inbox.pk)]
    tasks.route_inbox(world.inbox.pk)  # the job starts: the next ask needs a pass of its own
    tasks.request_route_inbox(world.inbox.pk)
    assert jobs.queued == [("inbox", world.inbox.pk)] * 2


def test_inboxes_and_members_are_coalesced_apart(world, other_world, jobs):
    tasks.request_route_inbox(world.inbox.pk)
    tasks.request_route_inbox(other_world.inbox.pk)
    tasks.request_route_member_inboxes(world.agent.pk)
    tasks.request_route_member_inboxes(world.agent.pk)
    tasks.request_route_member_inboxes(world.other_agent.pk)
    assert jobs.queued == [
        ("inbox", world.inbox.pk),
        ("inbox", other_world.inbox.pk),
        ("member", world.agent.pk),
        ("member", world.other_agent.pk),
    ]
    tasks.route_member_inboxes(world.agent.pk)
    tasks.request_route_member_inboxes(world.agent.pk)
    assert jobs.queued[-1] == ("member", world.agent.pk) and len(jobs.queued) == 5


def test_a_conversation_queued_while_a_pass_runs_is_routed_by_the_next(
    world, jobs, monkeypatch, django_capture_on_commit_callbacks
):
    """The race: the pass has read the queue when another conversation commits and asks. The
    running pass cannot see it; the ask must publish the next pass, which routes it."""
    world.inbox.settings = {"routing": {"policy": "least_busy"}}
    world.inbox.save()
    AgentState.objects.create(member=world.agent, max_concurrent=5)
    mark_present([world.agent.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = conversation_services.conversation_start(
            inbox=world.inbox, contact=ContactFactory(workspace=world.workspace)
        )
    assert jobs.queued == [("inbox", world.inbox.pk)]

    late: list[Conversation] = []
    read_queue = selectors.queued_conversations

    def queue_then_a_new_chat_commits(*, inbox_id: int) -> list[Conversation]:
        queue = read_queue(inbox_id=inbox_id)
        if not late:
            with django_capture_on_commit_callbacks(execute=True):
                late.append(
                    conversation_services.conversation_start(
                        inbox=world.inbox, contact=ContactFactory(workspace=world.workspace)
                    )
                )
        return queue

    monkeypatch.setattr(selectors, "queued_conversations", queue_then_a_new_chat_commits)
    tasks.route_inbox(world.inbox.pk)  # the worker runs the published job
    first.refresh_from_db()
    late[0].refresh_from_db()
    assert first.assignee == world.agent
    assert late[0].status == Status.QUEUED and late[0].assignee is None  # not seen by that pass
    assert jobs.queued == [("inbox", world.inbox.pk)] * 2  # ... but it published the next

    monkeypatch.setattr(selectors, "queued_conversations", read_queue)
    tasks.route_inbox(world.inbox.pk)
    late[0].refresh_from_db()
    assert late[0].assignee == world.agent and late[0].status == Status.OPEN


def test_a_publish_that_fails_does_not_hold_later_asks_back(world, jobs, monkeypatch):
    def broker_down(inbox_id: int) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.route_inbox, "delay", broker_down)
    with pytest.raises(ConnectionError):
        tasks.request_route_inbox(world.inbox.pk)
    monkeypatch.setattr(tasks.route_inbox, "delay", lambda i: jobs.queued.append(("inbox", i)))
    tasks.request_route_inbox(world.inbox.pk)
    assert jobs.queued == [("inbox", world.inbox.pk)]


def test_the_embedded_mode_routes_at_each_ask(world, django_capture_on_commit_callbacks):
    """Jobs run in-process right after commit: each ask is a pass, nothing is left pending."""
    world.inbox.settings = {"routing": {"policy": "least_busy"}}
    world.inbox.save()
    mark_present([world.agent.pk, world.other_agent.pk])
    with django_capture_on_commit_callbacks(execute=True):
        one = conversation_services.conversation_start(
            inbox=world.inbox, contact=ContactFactory(workspace=world.workspace)
        )
    with django_capture_on_commit_callbacks(execute=True):
        two = conversation_services.conversation_start(
            inbox=world.inbox, contact=ContactFactory(workspace=world.workspace)
        )
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status == Status.OPEN and two.status == Status.OPEN
    assert {one.assignee, two.assignee} == {world.agent, world.other_agent}

"""Rules on customer messages: events, order, stop-processing, each condition and action,
loop safety, the action cap, and failures that never lose the customer's message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from parley.automation import engine
from parley.automation.models import Macro, Rule, RuleRun
from parley.conversations.models import (
    CannedResponse,
    CannedScope,
    Conversation,
    CsatResponse,
    Message,
    MessageKind,
    Priority,
    SenderType,
    Status,
)
from parley.conversations.services import contact_message_send, conversation_set_status
from parley.inboxes.models import InboxKind
from parley.tickets.models import CreatedVia, Ticket
from parley.tickets.services import ticket_create
from tests.conftest import World
from tests.factories import ContactFactory, TeamFactory

pytestmark = pytest.mark.django_db

MakeRule = Callable[..., Rule]
Writes = Callable[..., Conversation]
CLOSED_ALL_WEEK = {
    "enabled": True,
    "timezone": "Asia/Shanghai",
    "weekly": {d: [] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
}


def events_of(conversation: Conversation) -> list[Message]:
    return list(conversation.messages.filter(kind=MessageKind.EVENT, data__has_key="rule"))


def test_keyword_rule_sets_team_and_priority_with_a_log_and_internal_events(
    world: World, make_rule: MakeRule, customer_writes: Writes
) -> None:
    billing = TeamFactory(workspace=world.workspace, name="Billing")
    rule = make_rule(
        name="Refunds",
        event="conversation_created",
        conditions=[{"field": "message", "op": "contains_any", "value": ["refund", "退款"]}],
        actions=[
            {"type": "assign_team", "team": billing.pk},
            {"type": "set_priority", "priority": "high"},
        ],
    )

    conversation = customer_writes("我要退款，订单 1234")

    assert conversation.team_id == billing.pk
    assert conversation.priority == Priority.HIGH
    run = RuleRun.objects.get(rule=rule)
    assert run.event == "conversation_created"
    assert [(r["type"], r["outcome"]) for r in run.results] == [
        ("assign_team", "applied"),
        ("set_priority", "applied"),
    ]
    bodies = [e.body for e in events_of(conversation)]
    assert bodies == [
        "Rule 'Refunds' set the team to Billing",
        "Rule 'Refunds' set the priority to high",
    ]
    assert all(e.private for e in events_of(conversation))  # staff only


def test_conversation_created_fires_once_message_created_on_every_message(
    world: World, make_rule: MakeRule, customer_writes: Writes
) -> None:
    created = make_rule(event="conversation_created", actions=[{"type": "add_note", "text": "new"}])
    each = make_rule(event="message_created", actions=[{"type": "add_note", "text": "msg"}])

    conversation = customer_writes("hello")
    customer_writes("still there?", conversation_id=conversation.pk)

    assert RuleRun.objects.filter(rule=created).count() == 1
    assert RuleRun.objects.filter(rule=each).count() == 2


def test_rules_run_in_order_and_stop_processing_ends_the_chain(
    world: World, make_rule: MakeRule, customer_writes: Writes
) -> None:
    second = make_rule(name="second", actions=[{"type": "set_priority", "priority": "low"}])
    first = make_rule(
        name="first", actions=[{"type": "set_priority", "priority": "urgent"}], stop_processing=True
    )
    third = make_rule(name="third", actions=[{"type": "add_note", "text": "never"}])
    from parley.automation.services import rules_reorder

    rules_reorder(actor=world.admin, order=[first.pk, second.pk, third.pk])

    conversation = customer_writes("hi")

    assert conversation.priority == Priority.URGENT
    assert list(RuleRun.objects.values_list("rule_id", flat=True)) == [first.pk]


def test_later_rules_see_what_earlier_ones_changed(
    world: World, make_rule: MakeRule, customer_writes: Writes
) -> None:
    make_rule(name="a", actions=[{"type": "set_priority", "priority": "urgent"}])
    b = make_rule(
        name="b",
        conditions=[{"field": "priority", "op": "at_least", "value": "high"}],
        actions=[{"type": "add_note", "text": "escalate"}],
    )

    customer_writes("hi")

    assert RuleRun.objects.filter(rule=b).count() == 1


@pytest.mark.parametrize(
    ("condition", "holds"),
    [
        ({"field": "message", "op": "contains_any", "value": ["REFUND"]}, True),
        ({"field": "message", "op": "contains_any", "value": ["退款"]}, True),
        ({"field": "message", "op": "contains_any", "value": ["invoice"]}, False),
        ({"field": "channel", "op": "is", "value": [InboxKind.WIDGET]}, True),
        ({"field": "channel", "op": "is", "value": [InboxKind.EMAIL]}, False),
        ({"field": "channel", "op": "is_not", "value": [InboxKind.EMAIL]}, True),
        ({"field": "priority", "op": "is", "value": "normal"}, True),
        ({"field": "priority", "op": "at_least", "value": "high"}, False),
        ({"field": "contact_attribute", "op": "equals", "key": "plan", "value": "VIP"}, True),
        ({"field": "contact_attribute", "op": "contains", "key": "city", "value": "上海"}, True),
        ({"field": "contact_attribute", "op": "equals", "key": "plan", "value": "free"}, False),
        ({"field": "contact_attribute", "op": "equals", "key": "missing", "value": "x"}, False),
        ({"field": "tag", "op": "present", "value": "vip"}, False),  # a chat has no tags
        ({"field": "tag", "op": "absent", "value": "vip"}, True),
        ({"field": "business_hours", "op": "within"}, True),  # no hours set: always open
        ({"field": "business_hours", "op": "outside"}, False),
    ],
)
def test_each_condition(
    world: World,
    make_rule: MakeRule,
    customer_writes: Writes,
    condition: dict[str, Any],
    holds: bool,
) -> None:
    world.contact.attributes = {"plan": "vip", "city": "中国上海市"}
    world.contact.save()
    make_rule(conditions=[condition], actions=[{"type": "add_note", "text": "matched"}])

    customer_writes("I want a refund 我要退款")

    assert RuleRun.objects.exists() is holds


def test_inbox_condition(world: World, make_rule: MakeRule, customer_writes: Writes) -> None:
    make_rule(
        conditions=[{"field": "inbox", "op": "is", "value": [world.inbox.pk]}],
        actions=[{"type": "add_note", "text": "x"}],
    )
    make_rule(
        conditions=[{"field": "inbox", "op": "is_not", "value": [world.inbox.pk]}],
        actions=[{"type": "add_note", "text": "y"}],
    )

    customer_writes("hi")

    assert RuleRun.objects.count() == 1


def test_business_hours_condition_reads_the_inbox_hours(
    world: World, make_rule: MakeRule, customer_writes: Writes
) -> None:
    world.inbox.settings = {"business_hours": CLOSED_ALL_WEEK}
    world.inbox.save()
    make_rule(
        conditions=[{"field": "business_hours", "op": "outside"}],
        actions=[{"type": "add_note", "text": "after hours"}],
    )

    customer_writes("anyone?")

    assert RuleRun.objects.count() == 1


def test_any_match_needs_one_condition(
    world: World, make_rule: MakeRule, customer_writes: Writes
) -> None:
    make_rule(
        match="any",
        conditions=[
            {"field": "message", "op": "contains_any", "value": ["nothing-like-this"]},
            {"field": "channel", "op": "is", "value": [InboxKind.WIDGET]},
        ],
        actions=[{"type": "add_note", "text": "x"}],
    )

    customer_writes("hi")

    assert RuleRun.objects.count() == 1


def test_tag_condition_and_add_tag_on_a_ticket(world: World, make_rule: MakeRule) -> None:
    make_rule(
        name="tagger",
        event="conversation_created",
        actions=[{"type": "add_tag", "tag": "vip"}],
    )
    checker = make_rule(
        name="checker",
        event="conversation_created",
        conditions=[{"field": "tag", "op": "present", "value": "VIP"}],
        actions=[{"type": "add_note", "text": "tagged"}],
    )

    ticket = ticket_create(
        inbox=world.inbox,
        contact=world.contact,
        subject="Help",
        description="My order is late",
        created_via=CreatedVia.WEB_FORM,
    )

    assert list(ticket.tags.values_list("name", flat=True)) == ["vip"]
    assert RuleRun.objects.filter(rule=checker).count() == 1


def test_add_tag_on_a_chat_is_skipped_with_the_reason(
    world: World, make_rule: MakeRule, customer_writes: Writes
) -> None:
    rule = make_rule(actions=[{"type": "add_tag", "tag": "vip"}])

    conversation = customer_writes("hi")

    assert not Ticket.objects.filter(pk=conversation.pk).exists()
    result = RuleRun.objects.get(rule=rule).results[0]
    assert result["outcome"] == "skipped"
    assert "not a ticket" in result["detail"]


def test_assign_agent(world: World, make_rule: MakeRule, customer_writes: Writes) -> None:
    make_rule(actions=[{"type": "assign_agent", "member": world.agent.pk}])

    conversation = customer_writes("hi")

    assert conversation.assignee_id == world.agent.pk
    assert conversation.status == Status.OPEN


def test_canned_reply_is_public_and_rendered(
    world: World, make_rule: MakeRule, customer_writes: Writes
) -> None:
    canned = CannedResponse.objects.create(
        workspace=world.workspace,
        scope=CannedScope.WORKSPACE,
        shortcut="hi",
        title="Hi",
        body="您好 {{contact.name}}，我们已收到。",
    )
    world.contact.name = "王芳"
    world.contact.save()
    make_rule(event="conversation_created", actions=[{"type": "send_canned", "canned": canned.pk}])

    conversation = customer_writes("hello")

    reply = conversation.messages.filter(sender_type=SenderType.SYSTEM, kind="text").get()
    assert reply.body == "您好 王芳，我们已收到。"
    assert reply.private is False


def test_mark_spam_resolves_without_survey_and_is_not_routed(
    world: World, make_rule: MakeRule, customer_writes: Writes, published: Any
) -> None:
    world.inbox.agents.add(world.agent)
    make_rule(
        event="conversation_created",
        conditions=[{"field": "message", "op": "contains_any", "value": ["cheap pills"]}],
        actions=[{"type": "mark_spam"}],
        stop_processing=True,
    )

    with published.committing():
        conversation = customer_writes("Buy cheap pills now")

    conversation.refresh_from_db()
    assert conversation.spam is True
    assert conversation.status == Status.RESOLVED
    assert conversation.assignee_id is None  # routing found it resolved, not queued
    assert not CsatResponse.objects.filter(conversation=conversation).exists()
    # The customer hears nothing of it: the event is internal.
    assert conversation.messages.filter(kind=MessageKind.EVENT, private=False).count() == 0


def test_spam_stays_resolved_when_the_sender_writes_again(
    world: World, make_rule: MakeRule, customer_writes: Writes
) -> None:
    make_rule(event="conversation_created", actions=[{"type": "mark_spam"}])
    conversation = customer_writes("spam")

    customer_writes("more spam", conversation_id=conversation.pk)

    conversation.refresh_from_db()
    assert conversation.status == Status.RESOLVED
    assert conversation.messages.filter(sender_type=SenderType.CONTACT).count() == 2


def test_a_rule_whose_action_would_retrigger_itself_runs_once(
    world: World, make_rule: MakeRule, customer_writes: Writes
) -> None:
    conversation = customer_writes("hi")
    # On any update, change the team: itself an update, which must not start another chain.
    other = TeamFactory(workspace=world.workspace, name="Other")
    rule = make_rule(
        event="conversation_updated",
        actions=[
            {"type": "assign_team", "team": other.pk},
            {"type": "set_priority", "priority": "urgent"},
        ],
    )

    conversation_set_status(
        conversation=conversation, status=Status.PENDING, actor=world.supervisor
    )

    assert RuleRun.objects.filter(rule=rule).count() == 1
    conversation.refresh_from_db()
    assert conversation.team_id == other.pk
    assert conversation.priority == Priority.URGENT


def test_a_rule_fires_once_per_event_instance(
    world: World, make_rule: MakeRule, customer_writes: Writes
) -> None:
    rule = make_rule(actions=[{"type": "add_note", "text": "x"}])
    conversation = customer_writes("hi")
    message = conversation.messages.get(sender_type=SenderType.CONTACT)

    again = engine.run_rules(
        conversation=conversation,
        rules=[rule],
        event="message_created",
        event_key=f"message:{message.pk}",
        message=message,
    )

    assert again == []
    assert RuleRun.objects.filter(rule=rule).count() == 1


def test_the_chain_applies_at_most_the_action_cap(
    world: World, make_rule: MakeRule, customer_writes: Writes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "MAX_ACTIONS_PER_CHAIN", 3)
    make_rule(actions=[{"type": "add_note", "text": f"n{i}"} for i in range(5)])

    conversation = customer_writes("hi")

    outcomes = [r["outcome"] for r in RuleRun.objects.get().results]
    assert outcomes == ["applied"] * 3 + ["skipped"] * 2
    assert conversation.messages.filter(private=True, kind="text").count() == 3


def test_a_failing_action_is_logged_and_loses_nothing(
    world: World, make_rule: MakeRule, customer_writes: Writes
) -> None:
    doomed = TeamFactory(workspace=world.workspace, name="Doomed")
    rule = make_rule(
        actions=[
            {"type": "assign_team", "team": doomed.pk},
            {"type": "set_priority", "priority": "high"},
        ]
    )
    doomed.delete()  # the rule now points at a team that is gone

    conversation = customer_writes("my message")

    assert conversation.messages.filter(sender_type=SenderType.CONTACT, body="my message").exists()
    assert conversation.priority == Priority.HIGH
    results = RuleRun.objects.get(rule=rule).results
    assert [r["outcome"] for r in results] == ["failed", "applied"]


def test_a_crashing_action_is_undone_alone(
    world: World, make_rule: MakeRule, customer_writes: Writes, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = make_rule(
        actions=[{"type": "set_priority", "priority": "urgent"}, {"type": "add_note", "text": "x"}]
    )
    from parley.automation import effects

    real = effects.note_add

    def crash(conversation: Conversation, **kwargs: Any) -> str:
        real(conversation, **kwargs)  # writes, then breaks: the savepoint must undo it
        raise RuntimeError("boom")

    monkeypatch.setattr(effects, "note_add", crash)

    conversation = customer_writes("still here")

    assert conversation.messages.filter(body="still here").exists()
    assert conversation.priority == Priority.URGENT
    assert not conversation.messages.filter(private=True, kind="text").exists()
    assert [r["outcome"] for r in RuleRun.objects.get(rule=rule).results] == ["applied", "failed"]


def test_inactive_rules_and_other_workspaces_rules_do_not_run(
    world: World, other_world: World, make_rule: MakeRule, customer_writes: Writes
) -> None:
    make_rule(active=False, actions=[{"type": "add_note", "text": "x"}])
    from parley.automation.services import RuleInput, rule_create

    rule_create(
        actor=other_world.admin,
        data=RuleInput(
            name="theirs",
            event="message_created",
            conditions=[],
            actions=[{"type": "add_note", "text": "x"}],
        ),
    )

    customer_writes("hi")

    assert not RuleRun.objects.exists()


def test_leave_a_message_runs_rules_on_the_ticket(world: World, make_rule: MakeRule) -> None:
    from parley.tickets.services import ticket_leave_message

    make_rule(event="conversation_created", actions=[{"type": "add_tag", "tag": "after-hours"}])

    result = ticket_leave_message(
        contact=world.contact, inbox=world.inbox, name="Li", email="li@example.test", body="help"
    )

    ticket = Ticket.objects.get(pk=result.conversation.pk)
    assert list(ticket.tags.values_list("name", flat=True)) == ["after-hours"]


def test_the_demo_rule_routes_refunds_to_consulting(settings: Any) -> None:
    from parley.ops.demo import demo_seed

    settings.PARLEY_DEMO = True
    seed = demo_seed(port=8000)
    demo_seed(port=8000)  # idempotent: one rule, two macros

    result = contact_message_send(
        contact=ContactFactory(workspace=seed.workspace),
        inbox=seed.inbox,
        conversation_id=None,
        body="我想退款",
        client_id=None,
    )

    conversation = Conversation.objects.select_related("team").get(pk=result.conversation.pk)
    assert conversation.team is not None and conversation.team.name == "Consulting"
    assert conversation.priority == Priority.HIGH
    assert Rule.objects.filter(workspace=seed.workspace).count() == 1
    assert Macro.objects.filter(workspace=seed.workspace).count() == 2


def test_spam_is_left_out_of_conversation_lists(
    world: World, make_rule: MakeRule, customer_writes: Writes
) -> None:
    from parley.conversations.selectors import conversation_list

    make_rule(event="conversation_created", actions=[{"type": "mark_spam"}])
    spam = customer_writes("spam")

    listed = conversation_list(member=world.supervisor, status=Status.RESOLVED)

    assert spam.pk not in {c.pk for c in listed}

"""A conversation turning negative: its running sentiment, the flag frame to its agents (never
to the contact), the reporting event, the list and detail fields, and the automation rules that
escalate it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from parley.analytics.models import ConversationSentiment, EventKind, ReportingEvent
from parley.analytics.sentiment.selectors import conversation_sentiments
from parley.automation.models import RuleRun
from parley.automation.schema import clean_conditions
from parley.automation.services import RuleInput, rule_create
from parley.conversations.models import Conversation, Priority
from parley.errors import ApplicationError
from tests.analytics.sentiment.conftest import NEGATIVE, NEUTRAL_OR_BETTER
from tests.conftest import Published, World, client_for

pytestmark = pytest.mark.django_db


def test_a_conversation_turning_negative_is_flagged_once(
    world: World,
    customer_writes: Callable[..., Conversation],
    score_now: Callable[[], int],
    published: Published,
) -> None:
    conversation = customer_writes(NEUTRAL_OR_BETTER[0])
    with published.committing():
        score_now()
    row = ConversationSentiment.objects.get(conversation=conversation)
    assert (row.label, row.turned_negative_at, row.messages_scored) == ("positive", None, 1)

    customer_writes(NEGATIVE[0], conversation.pk)
    customer_writes(NEGATIVE[1], conversation.pk)
    with published.committing():
        score_now()

    row.refresh_from_db()
    assert row.label == "negative"
    assert row.trend == "worsening"
    assert row.messages_scored == 3
    last = conversation.messages.order_by("-seq").first()
    assert last is not None and row.turned_negative_at == last.created_at
    frames = published.frames("conversation.sentiment")
    flagged = [f for f in frames if f["turned_negative"]]
    assert len(flagged) == 1
    assert flagged[0]["conversation"] == conversation.pk
    assert flagged[0]["sentiment"]["label"] == "negative"
    assert flagged[0]["sentiment"]["turned_negative_at"] == row.turned_negative_at.isoformat()
    for groups in published.groups_of("conversation.sentiment"):
        assert f"inbox.{world.inbox.pk}" in groups
        assert not any(g.startswith("contact.") for g in groups)
    assert (
        ReportingEvent.objects.filter(
            kind=EventKind.TURNED_NEGATIVE, conversation_id=conversation.pk
        ).count()
        == 1
    )

    # Still negative after another angry message: no second flag, no second event.
    customer_writes(NEGATIVE[2], conversation.pk)
    with published.committing():
        score_now()
    assert len([f for f in published.frames("conversation.sentiment") if f["turned_negative"]]) == 1
    assert ReportingEvent.objects.filter(kind=EventKind.TURNED_NEGATIVE).count() == 1


def test_the_selector_reads_only_the_workspace_asked_for(
    world: World,
    other_world: World,
    customer_writes: Callable[..., Conversation],
    score_now: Callable[[], int],
) -> None:
    conversation = customer_writes(NEGATIVE[0])
    score_now()
    assert set(
        conversation_sentiments(workspace=world.workspace, conversation_ids=[conversation.pk])
    ) == {conversation.pk}
    assert (
        conversation_sentiments(workspace=other_world.workspace, conversation_ids=[conversation.pk])
        == {}
    )
    assert conversation_sentiments(workspace=world.workspace, conversation_ids=[]) == {}


def test_the_console_list_and_detail_carry_the_sentiment(
    world: World, customer_writes: Callable[..., Conversation], score_now: Callable[[], int]
) -> None:
    conversation = customer_writes(NEGATIVE[0])
    client = client_for(world.agent)
    base = f"/api/v1/workspaces/{world.workspace.slug}/conversations/"
    before = client.get(base).json()["results"]
    assert [r["sentiment"] for r in before if r["id"] == conversation.pk] == [None]

    score_now()

    rows = client.get(base).json()["results"]
    assert [r["sentiment"]["label"] for r in rows if r["id"] == conversation.pk] == ["negative"]
    detail = client.get(f"{base}{conversation.pk}/").json()
    assert detail["sentiment"]["label"] == "negative"
    assert detail["sentiment"]["turned_negative_at"] is not None


def test_a_rule_escalates_a_conversation_that_turned_negative(
    world: World, customer_writes: Callable[..., Conversation], score_now: Callable[[], int]
) -> None:
    from tests.factories import TeamFactory

    complaints = TeamFactory(workspace=world.workspace, name="Complaints")
    escalate = rule_create(
        actor=world.admin,
        data=RuleInput(
            name="Upset customers to complaints",
            event="conversation_updated",
            conditions=[{"field": "sentiment", "op": "turned_negative"}],
            actions=[
                {"type": "set_priority", "priority": "high"},
                {"type": "assign_team", "team": complaints.pk},
            ],
        ),
    )
    happy = rule_create(
        actor=world.admin,
        data=RuleInput(
            name="Happy",
            event="conversation_updated",
            conditions=[{"field": "sentiment", "op": "is", "value": "positive"}],
            actions=[{"type": "add_tag", "tag": "happy"}],
        ),
    )
    conversation = customer_writes(NEGATIVE[0])
    customer_writes(NEGATIVE[3], conversation.pk)

    score_now()

    conversation.refresh_from_db()
    assert conversation.priority == Priority.HIGH
    assert conversation.team_id == complaints.pk
    run = RuleRun.objects.get(rule=escalate, conversation=conversation)
    assert run.event_key.startswith("sentiment.turned_negative:")
    assert not RuleRun.objects.filter(rule=happy).exists()


def test_a_rule_on_customer_messages_can_require_negative_sentiment(
    world: World, customer_writes: Callable[..., Conversation], score_now: Callable[[], int]
) -> None:
    rule_create(
        actor=world.admin,
        data=RuleInput(
            name="Tag angry follow-ups",
            event="message_created",
            conditions=[{"field": "sentiment", "op": "is", "value": "negative"}],
            actions=[{"type": "add_tag", "tag": "upset"}],
        ),
    )
    conversation = customer_writes(NEGATIVE[0])  # not scored yet when the rule runs
    assert not RuleRun.objects.filter(conversation=conversation).exists()
    score_now()
    customer_writes("还在吗", conversation.pk)  # the stored sentiment is negative now
    assert RuleRun.objects.filter(conversation=conversation).count() == 1


@pytest.mark.parametrize(
    "condition",
    [
        {"field": "sentiment", "op": "is", "value": "furious"},
        {"field": "sentiment", "op": "is"},
        {"field": "sentiment", "op": "below", "value": "negative"},
    ],
)
def test_bad_sentiment_conditions_are_refused(world: World, condition: dict[str, str]) -> None:
    with pytest.raises(ApplicationError) as refused:
        clean_conditions(workspace_id=world.workspace.pk, raw=[condition])
    assert refused.value.code == "invalid"
    assert next(iter(refused.value.fields)).startswith("conditions[0].")

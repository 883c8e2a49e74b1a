"""Bot analytics on fixed conversations: deflection, handoffs and reasons, ratings, and the
unanswered questions grouped by similarity."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parley.bot.analytics import bot_analytics, group_questions
from parley.bot.conversation.visitor import bot_reply_rate
from parley.conversations.models import Conversation, Status
from parley.conversations.services import contact_message_send
from tests.bot.bot_world import bot_on, knowledge_base
from tests.conftest import client_for
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def chat(world, *bodies):
    contact = ContactFactory(workspace=world.workspace, locale="zh-CN")
    conversation_id: int | None = None
    for body in bodies:
        result = contact_message_send(
            contact=contact,
            inbox=world.inbox,
            conversation_id=conversation_id,
            body=body,
            client_id=None,
        )
        conversation_id = result.conversation.pk
    assert conversation_id is not None
    return contact, Conversation.objects.get(pk=conversation_id)


def rate_last_answer(contact, conversation, rating):
    answer = conversation.messages.filter(data__bot__kind="answer").order_by("-seq")[0]
    bot_reply_rate(contact=contact, message_id=answer.pk, rating=rating)


def resolve(conversation):
    Conversation.objects.filter(pk=conversation.pk).update(status=Status.RESOLVED)


@pytest.fixture
def figures(world):
    knowledge_base(world)
    bot_on(world)
    # Solved: answered, rated helpful, resolved.
    contact, solved = chat(world, "收货地址写错了怎么办")
    rate_last_answer(contact, solved, "helpful")
    resolve(solved)
    # Answered but the customer said it did not help.
    contact, unhelped = chat(world, "退款什么时候到")
    rate_last_answer(contact, unhelped, "unhelpful")
    resolve(unhelped)
    # Asked for a person.
    chat(world, "转人工")
    # Could not answer twice.
    chat(world, "今天天气怎么样", "给我讲个笑话")
    # Answered, then the visitor left 40 minutes ago: abandoned, solved.
    _, left = chat(world, "我想退货")
    Conversation.objects.filter(pk=left.pk).update(
        last_activity_at=timezone.now() - timedelta(minutes=40)
    )
    # Answered a minute ago: still going, not counted yet.
    chat(world, "能改地址吗")
    now = timezone.now()
    return bot_analytics(
        workspace_id=world.workspace.pk, since=now - timedelta(days=1), until=now + timedelta(1)
    )


def test_deflection_counts_finished_conversations_solved_without_a_person(figures):
    assert figures.conversations == 5
    assert figures.deflected == 2
    assert figures.deflection_rate == 0.4


def test_handoffs_and_their_reasons(figures):
    assert figures.handed_off == 2
    assert figures.handoff_rate == 0.4
    assert figures.handoff_reasons == {"requested": 1, "low_confidence": 1}


def test_replies_and_ratings(figures):
    assert figures.answers == 4
    assert figures.refusals == 2
    assert (figures.helpful, figures.unhelpful) == (1, 1)
    assert sorted(g.question for g in figures.unanswered) == ["今天天气怎么样", "给我讲个笑话"]


def test_a_period_without_bot_conversations_has_zero_rates(world):
    now = timezone.now()
    empty = bot_analytics(workspace_id=world.workspace.pk, since=now - timedelta(days=1), until=now)
    assert (empty.conversations, empty.deflection_rate, empty.handoff_rate) == (0, 0.0, 0.0)
    assert empty.unanswered == []


def test_unanswered_questions_are_grouped_by_similarity():
    groups = group_questions(
        [
            "how do I cancel my subscription",
            "cancel my subscription please",
            "cancelling the subscription",
            "do you ship to Mars",
            "shipping to Mars?",
            "发票怎么开",
            "开发票",
        ]
    )

    assert [g.count for g in groups] == [3, 2, 2]
    assert "subscription" in groups[0].question
    assert {q for g in groups for q in g.examples if "Mars" in q} == {
        "do you ship to Mars",
        "shipping to Mars?",
    }
    assert any(set(g.examples) == {"发票怎么开", "开发票"} for g in groups)


def test_the_api_answers_with_the_same_figures(world):
    knowledge_base(world)
    bot_on(world)
    chat(world, "转人工")

    body = (
        client_for(world.supervisor)
        .get(f"/api/v1/workspaces/{world.workspace.slug}/bot/analytics/")
        .json()
    )

    assert body["conversations"] == 1
    assert body["handoff_rate"] == 1.0
    assert body["handoff_reasons"] == {"requested": 1}
    assert set(body) >= {"deflection_rate", "ratings", "replies", "unanswered"}


def test_another_workspaces_conversations_are_not_counted(world, other_world):
    knowledge_base(other_world, train=False)
    bot_on(other_world)
    chat(other_world, "转人工")

    body = (
        client_for(world.admin)
        .get(f"/api/v1/workspaces/{world.workspace.slug}/bot/analytics/")
        .json()
    )

    assert body["conversations"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "since=not-a-date",
        "since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z",
    ],
)
def test_a_bad_period_is_refused(world, query):
    response = client_for(world.supervisor).get(
        f"/api/v1/workspaces/{world.workspace.slug}/bot/analytics/?{query}"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"

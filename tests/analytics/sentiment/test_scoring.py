"""The scoring job: every customer text message is scored once, after it is stored, with the
workspace's active model (the seed model when it has none); reporting events are recorded;
agents' messages and private notes are not scored."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from parley.analytics.models import (
    EventKind,
    MessageSentiment,
    ReportingEvent,
    SentimentModelVersion,
)
from parley.analytics.sentiment.scoring import (
    conversation_label,
    running_score,
    score_probabilities,
    trend_of,
)
from parley.analytics.sentiment.tasks import score_messages
from parley.conversations.models import Conversation, Message, SenderType
from parley.conversations.services import Sender, message_send
from parley.ops.schedule import PERIODIC_JOBS
from tests.analytics.sentiment.conftest import NEGATIVE, NEUTRAL_OR_BETTER
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_two_class_probabilities_leave_a_neutral_middle() -> None:
    labels = ["negative", "positive"]
    assert score_probabilities(labels, [0.9, 0.1]).label == "negative"
    assert score_probabilities(labels, [0.9, 0.1]).score == pytest.approx(-0.8)
    assert score_probabilities(labels, [0.6, 0.4]).label == "neutral"
    assert score_probabilities(labels, [0.2, 0.8]).label == "positive"


def test_three_class_probabilities_take_the_likeliest() -> None:
    labels = ["negative", "neutral", "positive"]
    scored = score_probabilities(labels, [0.3, 0.5, 0.2])
    assert (scored.label, scored.score) == ("neutral", pytest.approx(-0.1))


def test_running_score_weights_the_latest_messages_most() -> None:
    assert running_score([0.8]) == 0.8
    assert running_score([0.8, -0.8]) == pytest.approx(0.0)
    assert running_score([0.8, -0.8, -0.8]) == pytest.approx(-0.4)
    assert conversation_label(-0.4) == "negative"
    assert conversation_label(0.0) == "neutral"
    assert conversation_label(0.3) == "positive"


def test_trend_compares_the_latest_scores_with_those_before() -> None:
    assert trend_of([0.5]) == "steady"
    assert trend_of([0.6, 0.5, 0.6, -0.5, -0.6, -0.4]) == "worsening"
    assert trend_of([-0.8, 0.6]) == "improving"
    assert trend_of([0.1, 0.0, 0.1, 0.05]) == "steady"


def test_customer_messages_are_scored_by_the_job_not_on_sending(
    world: World,
    customer_writes: Callable[..., Conversation],
    score_now: Callable[[], int],
) -> None:
    conversation = customer_writes(NEGATIVE[0])
    customer_writes(NEUTRAL_OR_BETTER[0], conversation.pk)
    message_send(conversation=conversation, sender=Sender.of_member(world.agent), body="抱歉")
    message_send(
        conversation=conversation,
        sender=Sender.of_member(world.agent),
        body="customer sounds furious, terrible",
        private=True,
    )
    assert not MessageSentiment.objects.exists()  # nothing on the request path

    assert score_now() == 2

    rows = {r.message.body: r for r in MessageSentiment.objects.select_related("message").all()}
    assert set(rows) == {NEGATIVE[0], NEUTRAL_OR_BETTER[0]}
    assert rows[NEGATIVE[0]].label == "negative"
    assert rows[NEGATIVE[0]].score < -0.4
    assert rows[NEUTRAL_OR_BETTER[0]].label == "positive"
    assert all(r.model_version == 1 and r.workspace_id == world.workspace.pk for r in rows.values())
    version = SentimentModelVersion.objects.get(workspace=world.workspace)
    assert (version.version, version.active, version.sources) == (1, True, ["seed"])
    events = ReportingEvent.objects.filter(conversation_id=conversation.pk)
    assert events.filter(kind=EventKind.MESSAGE_SCORED).count() == 2
    negative = events.get(kind=EventKind.MESSAGE_NEGATIVE)
    assert negative.value == rows[NEGATIVE[0]].score
    assert negative.occurred_at == rows[NEGATIVE[0]].message.created_at


def test_a_second_run_scores_nothing_again(
    customer_writes: Callable[..., Conversation], score_now: Callable[[], int]
) -> None:
    conversation = customer_writes(NEGATIVE[1])
    assert score_now() == 1
    assert score_now() == 0
    customer_writes(NEGATIVE[2], conversation.pk)
    assert score_now() == 1
    assert MessageSentiment.objects.count() == 2
    assert ReportingEvent.objects.filter(kind=EventKind.MESSAGE_SCORED).count() == 2


def test_each_workspace_is_scored_with_its_own_model(
    world: World,
    other_world: World,
    customer_writes: Callable[..., Conversation],
    score_now: Callable[[], int],
) -> None:
    from parley.conversations.services import contact_message_send

    customer_writes(NEGATIVE[0])
    contact_message_send(
        contact=other_world.contact,
        inbox=other_world.inbox,
        conversation_id=None,
        body=NEGATIVE[1],
        client_id=None,
    )
    assert score_now() == 2
    for w in (world, other_world):
        row = MessageSentiment.objects.get(workspace=w.workspace)
        assert row.conversation.workspace_id == w.workspace.pk
        assert SentimentModelVersion.objects.filter(workspace=w.workspace, active=True).count() == 1


def test_the_job_is_scheduled_and_runs_as_a_task(
    customer_writes: Callable[..., Conversation],
) -> None:
    assert any(j.task == "parley.analytics.sentiment.tasks.score_messages" for j in PERIODIC_JOBS)
    customer_writes(NEGATIVE[3])
    assert score_messages.apply().get() == 1
    assert (
        Message.objects.filter(sender_type=SenderType.CONTACT, sentiment__isnull=False).count() == 1
    )

"""Sentiment fixtures: customers writing real messages, and the scoring job run by hand."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from parley.analytics.sentiment.scoring import sentiment_score_pending
from parley.conversations.models import Conversation
from parley.conversations.services import contact_message_send
from tests.conftest import World

# Customer messages the seed model is sure about (close to the seed set, not copies of it).
NEGATIVE = [
    "太差劲了，等了一个小时都没人理，我要投诉",
    "This is terrible service, I want a refund now",
    "东西收到就坏了，非常失望",
    "I am so frustrated, nobody answers my emails",
]
NEUTRAL_OR_BETTER = ["谢谢你，问题解决了", "Thank you so much, great service"]


@pytest.fixture
def customer_writes(world: World) -> Callable[..., Conversation]:
    def write(body: str, conversation_id: int | None = None) -> Conversation:
        result = contact_message_send(
            contact=world.contact,
            inbox=world.inbox,
            conversation_id=conversation_id,
            body=body,
            client_id=None,
        )
        return Conversation.objects.get(pk=result.conversation.pk)

    return write


@pytest.fixture
def score_now() -> Callable[[], int]:
    """Run the scoring job as the scheduler would."""
    return lambda: sentiment_score_pending(now=timezone.now())

"""The Sentiment page's demo data: conversations with moods, CSAT and upset customers waiting,
scored and rolled up like live traffic; idempotent; refused outside the demo mode."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from parley.analytics.models import ConversationSentiment, DailyRollup, EventKind, MessageSentiment
from parley.analytics.sentiment.demo import sentiment_demo_seed
from parley.conversations.models import CsatResponse, Status
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_demo_is_scored_and_rolled_up_once(world: World, settings: Any) -> None:
    settings.PARLEY_DEMO = True
    seeded = sentiment_demo_seed(workspace=world.workspace, now=timezone.now(), days=6)

    assert seeded.conversations > 30
    assert seeded.scored == seeded.messages == MessageSentiment.objects.count()
    assert CsatResponse.objects.filter(workspace=world.workspace, rating__isnull=False).exists()
    waiting = ConversationSentiment.objects.filter(
        workspace=world.workspace, label="negative", conversation__status=Status.OPEN
    )
    assert waiting.count() >= 1
    assert DailyRollup.objects.filter(
        workspace=world.workspace, kind=EventKind.MESSAGE_NEGATIVE
    ).exists()

    again = sentiment_demo_seed(workspace=world.workspace, now=timezone.now(), days=6)
    assert again.conversations == 0


def test_refused_outside_the_demo(world: World, settings: Any) -> None:
    settings.PARLEY_DEMO = False
    with pytest.raises(ImproperlyConfigured):
        sentiment_demo_seed(workspace=world.workspace, now=timezone.now())

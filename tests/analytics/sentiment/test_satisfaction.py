"""Sentiment joined with CSAT on fixed data with known answers: by label, by score band and by
week in the workspace's time zone; other workspaces and conversations outside the period never
count."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from parley.analytics.metrics import Filters
from parley.analytics.models import ConversationSentiment
from parley.analytics.period import period_of
from parley.analytics.sentiment.overview import satisfaction, shares
from parley.conversations.models import Conversation, CsatResponse
from tests.conftest import World
from tests.factories import ConversationFactory

pytestmark = pytest.mark.django_db


def _conversation(
    world: World, *, at: datetime, score: float, label: str, rating: int | None
) -> Conversation:
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    Conversation.objects.filter(pk=conversation.pk).update(created_at=at)
    ConversationSentiment.objects.create(
        conversation=conversation, workspace=world.workspace, score=score, label=label
    )
    CsatResponse.objects.create(
        workspace=world.workspace,
        conversation=conversation,
        inbox=world.inbox,
        resolved_at=at + timedelta(hours=1),
        expires_at=at + timedelta(days=7),
        rating=rating,
    )
    return conversation


@pytest.fixture
def filters(world: World, other_world: World) -> Filters:
    world.workspace.timezone = "Asia/Shanghai"
    world.workspace.save(update_fields=["timezone"])
    week1 = datetime(2026, 11, 3, 4, 0, tzinfo=UTC)  # Tuesday of the week of Mon 2 Nov
    week2 = datetime(2026, 11, 10, 4, 0, tzinfo=UTC)
    _conversation(world, at=week1, score=-0.8, label="negative", rating=1)
    _conversation(world, at=week1, score=-0.5, label="negative", rating=2)
    _conversation(world, at=week1, score=-0.4, label="negative", rating=None)
    # Sunday 8 Nov 17:30 UTC is Monday 9 Nov 01:30 in Shanghai: the second week.
    _conversation(
        world, at=datetime(2026, 11, 8, 17, 30, tzinfo=UTC), score=0.0, label="neutral", rating=4
    )
    _conversation(world, at=week2, score=0.1, label="neutral", rating=3)
    _conversation(world, at=week2, score=0.7, label="positive", rating=5)
    _conversation(world, at=week2, score=0.5, label="positive", rating=5)
    # Not counted: before the period (local 31 Oct), and another tenant's.
    _conversation(
        world, at=datetime(2026, 10, 31, 15, 0, tzinfo=UTC), score=-0.9, label="negative", rating=1
    )
    _conversation(other_world, at=week1, score=-0.9, label="negative", rating=1)
    return Filters(
        workspace_id=world.workspace.pk,
        period=period_of(
            first_day=date(2026, 11, 1),
            last_day=date(2026, 11, 15),
            timezone_name="Asia/Shanghai",
            now=week2,
        ),
        timezone="Asia/Shanghai",
    )


def test_shares_of_conversations_by_label(filters: Filters) -> None:
    result = shares(filters)
    assert result["total"] == 7
    assert result["counts"] == {"negative": 3, "neutral": 2, "positive": 2}
    assert result["shares"]["negative"] == pytest.approx(3 / 7, abs=1e-4)


def test_csat_by_label(filters: Filters) -> None:
    by_label = satisfaction(filters)["by_label"]
    assert by_label["negative"] == {
        "conversations": 3,
        "rated": 2,
        "csat_mean": 1.5,
        "csat_satisfied_share": 0.0,
    }
    assert by_label["neutral"] == {
        "conversations": 2,
        "rated": 2,
        "csat_mean": 3.5,
        "csat_satisfied_share": 0.5,
    }
    assert by_label["positive"]["csat_mean"] == 5.0
    assert by_label["positive"]["csat_satisfied_share"] == 1.0


def test_csat_by_sentiment_band(filters: Filters) -> None:
    bands = {b["band"]: b for b in satisfaction(filters)["by_band"]}
    assert list(bands) == ["very_negative", "negative", "neutral", "positive", "very_positive"]
    assert (bands["very_negative"]["conversations"], bands["very_negative"]["csat_mean"]) == (
        1,
        1.0,
    )
    assert (bands["negative"]["conversations"], bands["negative"]["rated"]) == (2, 1)
    assert bands["negative"]["csat_mean"] == 2.0
    assert bands["neutral"]["csat_mean"] == 3.5
    assert (bands["positive"]["conversations"], bands["positive"]["csat_mean"]) == (1, 5.0)
    assert (bands["very_positive"]["conversations"], bands["very_positive"]["csat_mean"]) == (
        1,
        5.0,
    )


def test_weeks_follow_the_workspace_time_zone(filters: Filters) -> None:
    weeks = satisfaction(filters)["by_week"]
    assert [w["week"] for w in weeks] == ["2026-11-02", "2026-11-09"]
    first, second = weeks
    assert first["conversations"] == 3
    assert first["labels"]["negative"] == {"share": 1.0, "csat_mean": 1.5, "rated": 2}
    assert first["labels"]["positive"]["share"] == 0.0
    assert second["conversations"] == 4
    assert second["labels"]["neutral"] == {"share": 0.5, "csat_mean": 3.5, "rated": 2}
    assert second["labels"]["positive"] == {"share": 0.5, "csat_mean": 5.0, "rated": 2}
    assert second["labels"]["negative"]["csat_mean"] is None


def test_filters_narrow_to_an_inbox(filters: Filters, world: World) -> None:
    from dataclasses import replace

    from tests.factories import InboxFactory

    empty = InboxFactory(workspace=world.workspace)
    assert shares(replace(filters, inbox_id=empty.pk))["total"] == 0
    assert shares(replace(filters, inbox_id=world.inbox.pk))["total"] == 7

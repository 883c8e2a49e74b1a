"""Profile figures on fixed data with known answers, as of now and as of an earlier cut-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parley.analytics.customers.features import features_at
from parley.analytics.customers.history import load_history
from parley.analytics.customers.models import ContactProfile
from parley.analytics.customers.profiles import profiles_refresh
from parley.analytics.models import ConversationSentiment, EventKind, ReportingEvent
from parley.conversations.models import Conversation, Message, SenderType, Status
from parley.inboxes.models import InboxKind
from tests.conftest import World
from tests.factories import ContactFactory, ConversationFactory, InboxFactory

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def days_ago(n: float) -> datetime:
    return NOW - timedelta(days=n)


def visit(
    world: World,
    *,
    at: datetime,
    resolved: datetime | None,
    inbox=None,
    topic: str = "",
    sentiment: float | None = None,
) -> Conversation:
    c = ConversationFactory(
        inbox=inbox or world.inbox,
        contact=world.contact,
        status=Status.RESOLVED if resolved else Status.OPEN,
        topic=topic,
    )
    Conversation.objects.filter(pk=c.pk).update(created_at=at, resolved_at=resolved)
    if sentiment is not None:
        label = "negative" if sentiment < -0.2 else "positive" if sentiment > 0.2 else "neutral"
        ConversationSentiment.objects.create(
            conversation=c, workspace=world.workspace, score=sentiment, label=label
        )
    return c


def event(world: World, c: Conversation, kind: str, at: datetime, value: float | None = None):
    ReportingEvent.objects.create(
        workspace=world.workspace,
        kind=kind,
        occurred_at=at,
        recorded_at=at,
        conversation_id=c.pk,
        inbox_id=c.inbox_id,
        value=value,
    )


def say(world: World, c: Conversation, seq: int, text: str, at: datetime) -> None:
    m = Message.objects.create(
        workspace=world.workspace,
        conversation=c,
        seq=seq,
        sender_type=SenderType.CONTACT,
        sender_contact=world.contact,
        body=text,
    )
    Message.objects.filter(pk=m.pk).update(created_at=at)


@pytest.fixture
def history(world: World) -> World:
    """One customer: a visit 200 days ago, three in the last 90 days (one by e-mail, one still
    open), with ratings, waits, a breach, a reopen and sentiment."""
    mail = InboxFactory(workspace=world.workspace, kind=InboxKind.EMAIL)
    old = visit(world, at=days_ago(200), resolved=days_ago(199.9), topic="account")
    event(world, old, EventKind.CSAT, days_ago(199.8), 1.0)  # outside the 90 days
    a = visit(world, at=days_ago(60), resolved=days_ago(59.9), topic="refund", sentiment=0.4)
    event(world, a, EventKind.ASSIGNED, days_ago(60), 120.0)
    event(world, a, EventKind.CSAT, days_ago(59.8), 2.0)
    event(world, a, EventKind.REOPENED, days_ago(58))
    b = visit(
        world,
        at=days_ago(20),
        resolved=days_ago(19.5),
        inbox=mail,
        topic="refund",
        sentiment=-0.6,
    )
    event(world, b, EventKind.ASSIGNED, days_ago(20), 240.0)
    event(world, b, EventKind.SLA_BREACHED, days_ago(19.6))
    event(world, b, EventKind.CSAT, days_ago(19.4), 4.0)
    say(world, b, 1, "我的退款还没有到账", days_ago(20))
    say(world, b, 2, "退款什么时候到账", days_ago(19.9))
    c = visit(world, at=days_ago(5), resolved=None, topic="delivery", sentiment=-0.5)
    event(world, c, EventKind.ABANDONED, days_ago(5), 600.0)
    # Someone else's conversation counts for nobody here.
    ConversationFactory(inbox=world.inbox, contact=ContactFactory(workspace=world.workspace))
    return world


def test_the_profile_as_of_now(history: World) -> None:
    refreshed = profiles_refresh(workspace=history.workspace, now=NOW)
    assert refreshed.model_version is None and refreshed.scored == 0
    p = ContactProfile.objects.get(contact=history.contact)
    assert p.recency_days == 5.0
    assert (p.conversations_30d, p.conversations_90d, p.conversations_total) == (2, 3, 4)
    assert p.channels == ["email", "widget"]
    assert p.topics == [["refund", 2], ["delivery", 1]]
    assert p.unresolved == 1
    assert (p.csat_mean, p.csat_last, p.csat_responses) == (3.0, 4.0, 2)
    assert (p.reopened, p.sla_breaches, p.abandoned) == (1, 1, 1)
    assert p.wait_mean_seconds == 180.0
    assert p.sentiment_mean == pytest.approx((0.4 - 0.6 - 0.5) / 3)
    assert p.sentiment_last == -0.5
    assert p.sentiment_trend == "worsening"  # -0.5 against the earlier mean of -0.1
    assert p.keywords[0] == "退款"
    assert p.features["negative_90d"] == 2.0 and p.features["tenure_days"] == 200.0
    assert p.risk is None and p.risk_level == "" and p.reasons == []


def test_an_earlier_cut_off_sees_only_what_had_happened(history: World) -> None:
    data = load_history(workspace_id=history.workspace.pk, since=days_ago(365))
    then = days_ago(29)
    f = features_at(data, history.contact.pk, then)
    assert f["recency_days"] == 31.0  # the visit 60 days ago, seen from 29 days ago
    assert (f["conversations_30d"], f["conversations_90d"]) == (0.0, 1.0)
    assert f["csat_mean_90d"] == 2.0 and f["low_csat_90d"] == 1.0
    assert f["sla_breaches_90d"] == 0.0 and f["abandoned_90d"] == 0.0
    assert f["unresolved"] == 0.0 and f["wait_mean_90d"] == 2.0  # minutes
    assert features_at(data, history.contact.pk, days_ago(300)) == {}


def test_refreshing_keeps_the_follow_up_mark(history: World) -> None:
    profiles_refresh(workspace=history.workspace, now=NOW)
    ContactProfile.objects.filter(contact=history.contact).update(
        followed_up_at=NOW, follow_up_note="called"
    )
    profiles_refresh(workspace=history.workspace, now=NOW + timedelta(hours=6))
    p = ContactProfile.objects.get(contact=history.contact)
    assert p.followed_up_at == NOW and p.follow_up_note == "called"
    assert p.recency_days == 5.25

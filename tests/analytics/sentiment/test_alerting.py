"""The negative-sentiment alert metrics: a spike in the share of negative customer messages
fires a rule once (delivered to a local webhook receiver and SMTP server); too few scored
messages never make a share."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from parley.analytics.alerts import RuleInput, alert_rule_create, alerts_evaluate, metric_value
from parley.analytics.models import AlertEvent, AlertRule
from parley.analytics.sentiment.alerting import MIN_SCORED
from parley.conversations.models import Conversation
from tests.analytics.sentiment.conftest import NEGATIVE, NEUTRAL_OR_BETTER
from tests.analytics.test_alerts import Receiver, receiver  # noqa: F401 (the fixture)
from tests.conftest import World
from tests.mail import Mailbox

pytestmark = pytest.mark.django_db


def _rule(world: World, **kwargs: object) -> AlertRule:
    values: dict[str, object] = {
        "name": "Upset customers",
        "metric": "negative_share",
        "comparison": "gt",
        "threshold": 0.5,
        "window_minutes": 60,
        "cooldown_minutes": 30,
    }
    values.update(kwargs)
    return alert_rule_create(actor=world.supervisor, data=RuleInput(**values))  # type: ignore[arg-type]


def test_a_negative_spike_fires_once_and_is_delivered(
    world: World,
    customer_writes: Callable[..., Conversation],
    score_now: Callable[[], int],
    receiver: Receiver,  # noqa: F811
    smtp_server: Mailbox,
) -> None:
    rule = _rule(world, webhook_url=receiver.url, email_to=("lead@example.com",))
    conversation = customer_writes(NEUTRAL_OR_BETTER[0])
    customer_writes(NEUTRAL_OR_BETTER[1], conversation.pk)
    score_now()
    now = timezone.now() + timedelta(seconds=1)
    assert metric_value(rule=rule, start=now - timedelta(hours=1), end=now) is None  # 2 < 5
    assert alerts_evaluate(now=now) == 0

    for text in NEGATIVE:
        customer_writes(text, conversation.pk)
    score_now()
    now = timezone.now() + timedelta(seconds=1)
    share = metric_value(rule=rule, start=now - timedelta(hours=1), end=now)
    assert share == pytest.approx(4 / 6, abs=1e-4)

    assert alerts_evaluate(now=now) == 1
    assert alerts_evaluate(now=now + timedelta(minutes=1)) == 0  # the same episode
    event = AlertEvent.objects.get(rule=rule)
    assert event.value == pytest.approx(0.667, abs=1e-3)
    assert event.deliveries["webhook"] == "204"
    body = json.loads(receiver.requests[0][1])
    assert body["alert"]["rule"]["metric"] == "negative_share"
    assert event.deliveries["email"] == "sent"
    (mail,) = smtp_server.received
    assert mail.envelope_to == ["lead@example.com"]
    assert "negative_share = 0.667" in mail.text()


def test_negative_messages_count_is_a_metric_too(
    world: World, customer_writes: Callable[..., Conversation], score_now: Callable[[], int]
) -> None:
    rule = _rule(world, metric="negative_messages", threshold=1)
    conversation = customer_writes(NEGATIVE[0])
    customer_writes(NEGATIVE[1], conversation.pk)
    score_now()
    now = timezone.now() + timedelta(seconds=1)
    assert metric_value(rule=rule, start=now - timedelta(hours=1), end=now) == 2.0


def test_another_inbox_does_not_count(
    world: World,
    other_world: World,
    customer_writes: Callable[..., Conversation],
    score_now: Callable[[], int],
) -> None:
    from tests.factories import InboxFactory

    quiet = InboxFactory(workspace=world.workspace)
    rule = _rule(world, inbox_id=quiet.pk)
    conversation = customer_writes(NEGATIVE[0])
    for text in NEGATIVE[1:] + NEGATIVE:
        customer_writes(text, conversation.pk)
    score_now()
    now = timezone.now() + timedelta(seconds=1)
    assert MIN_SCORED <= 8
    assert metric_value(rule=rule, start=now - timedelta(hours=1), end=now) is None

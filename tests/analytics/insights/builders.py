"""Generated inputs for the mining snapshots, with answers known by construction."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from parley.analytics.models import EventKind, HourlyRollup
from parley.bot.models import BotSession
from parley.conversations.models import Conversation, Message, MessageKind, SenderType
from tests.conftest import World
from tests.factories import ConversationFactory

# A weekday's hourly rate: a morning and an afternoon peak; weekends at half the level.
PEAKS = [0, 0, 0, 0, 0, 0, 1, 3, 8, 12, 11, 8, 6, 8, 10, 9, 7, 5, 3, 2, 1, 1, 0, 0]


def seasonal_rate(day: date, hour: int) -> float:
    return PEAKS[hour] * (1.0 if day.weekday() < 5 else 0.5)


def evening_rate(day: date, hour: int) -> float:
    """Weekends shaped differently: one evening peak."""
    if day.weekday() < 5:
        return float(PEAKS[hour])
    return 12 * math.exp(-((hour - 20) ** 2) / 4)


def volume_history(
    world: World,
    *,
    first_day: date,
    days: int,
    rate: Callable[[date, int], float] = seasonal_rate,
    seed: int = 3,
) -> None:
    """Hourly 'created' rollups of Poisson counts around ``rate`` (workspace zone)."""
    zone = ZoneInfo(world.workspace.timezone or "UTC")
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(days):
        day = first_day + timedelta(days=d)
        for hour in range(24):
            n = int(rng.poisson(rate(day, hour)))
            if n:
                rows.append(
                    HourlyRollup(
                        workspace=world.workspace,
                        hour=datetime.combine(day, time(hour), tzinfo=zone),
                        kind=EventKind.CREATED,
                        inbox_id=world.inbox.pk,
                        count=n,
                    )
                )
    HourlyRollup.objects.bulk_create(rows)


def labelled(world: World, *, at: datetime, topic: str = "", intent: str = "") -> Conversation:
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact, topic=topic)
    Conversation.objects.filter(pk=conversation.pk).update(created_at=at)
    if intent:
        BotSession.objects.create(
            conversation=conversation,
            workspace=world.workspace,
            inbox=world.inbox,
            intent=intent,
        )
    return conversation


def customer_says(world: World, texts: Sequence[tuple[str, datetime]]) -> list[Conversation]:
    """One conversation per text, its customer message written at the given time."""
    made: list[Conversation] = []
    for body, at in texts:
        conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
        message = Message.objects.create(
            workspace=world.workspace,
            conversation=conversation,
            seq=1,
            sender_type=SenderType.CONTACT,
            sender_contact=world.contact,
            kind=MessageKind.TEXT,
            body=body,
        )
        Message.objects.filter(pk=message.pk).update(created_at=at)
        made.append(conversation)
    return made

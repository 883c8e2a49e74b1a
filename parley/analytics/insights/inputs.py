"""What the mining job reads from a workspace's own data (never a page load).

* customer messages (text, public, not spam) for keywords and topics;
* each conversation's labels — ticket tags, the bot's intent, the conversation's topic and the
  ticket's ``product`` custom field — for association rules;
* conversations created per local hour, from the hourly rollups, for forecasts and day shapes;
* the mean handle time, from the daily rollups, for staffing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Sum

from parley.analytics.mining.datasets import IntervalSeries
from parley.analytics.models import DailyRollup, EventKind, HourlyRollup
from parley.bot.models import BotSession
from parley.conversations.models import Conversation, Message, MessageKind, SenderType
from parley.tickets.models import Ticket

ITEM_KINDS = ("tag", "intent", "topic", "product")
PRODUCT_FIELD = "product"  # the ticket custom field whose value names the product
MAX_MESSAGES = 20_000  # the most recent ones when a period has more


@dataclass(frozen=True)
class CustomerMessage:
    conversation_id: int
    day: date  # local day
    body: str


def customer_messages(
    *, workspace_id: int, zone: ZoneInfo, start: datetime, end: datetime
) -> list[CustomerMessage]:
    rows = (
        Message.objects.filter(
            workspace_id=workspace_id,
            sender_type=SenderType.CONTACT,
            kind=MessageKind.TEXT,
            private=False,
            created_at__gte=start,
            created_at__lt=end,
            conversation__spam=False,
        )
        .exclude(body="")
        .order_by("-created_at")
        .values_list("conversation_id", "created_at", "body")[:MAX_MESSAGES]
    )
    found = [
        CustomerMessage(conversation_id=cid, day=at.astimezone(zone).date(), body=body)
        for cid, at, body in rows
    ]
    found.reverse()
    return found


def conversation_baskets(*, workspace_id: int, start: datetime, end: datetime) -> list[list[str]]:
    """One list of ``kind:label`` items per conversation created in [start, end) that has any
    label (four queries, whatever the number of conversations)."""
    conversations = Conversation.objects.filter(
        workspace_id=workspace_id, created_at__gte=start, created_at__lt=end, spam=False
    )
    items: dict[int, set[str]] = defaultdict(set)
    for cid, topic in conversations.exclude(topic="").values_list("pk", "topic"):
        items[cid].add(f"topic:{topic.strip().lower()}")
    sessions = BotSession.objects.filter(
        workspace_id=workspace_id, conversation__in=conversations
    ).exclude(intent="")
    for cid, intent in sessions.values_list("conversation_id", "intent"):
        items[cid].add(f"intent:{intent}")
    tickets = Ticket.objects.filter(workspace_id=workspace_id, conversation__in=conversations)
    for cid, tag in tickets.filter(tags__isnull=False).values_list("conversation_id", "tags__name"):
        items[cid].add(f"tag:{tag}")
    for cid, fields in tickets.values_list("conversation_id", "custom_fields"):
        product = (fields or {}).get(PRODUCT_FIELD)
        if isinstance(product, str) and product.strip():
            items[cid].add(f"product:{product.strip()}")
    return [sorted(labels) for _, labels in sorted(items.items())]


def hourly_volume(
    *, workspace_id: int, zone: ZoneInfo, first_day: date, last_day: date
) -> IntervalSeries:
    """Conversations created per local hour of every day in [first_day, last_day], zeros
    included (naive local clock times, as the mining engine expects)."""
    start = datetime.combine(first_day, time(0), tzinfo=zone)
    end = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone)
    counts: dict[datetime, float] = defaultdict(float)
    rows = (
        HourlyRollup.objects.filter(
            workspace_id=workspace_id, kind=EventKind.CREATED, hour__gte=start, hour__lt=end
        )
        .values("hour")
        .annotate(n=Sum("count"))
        .values_list("hour", "n")
    )
    for hour, n in rows:
        counts[hour.astimezone(zone).replace(tzinfo=None)] += float(n or 0)
    starts: list[datetime] = []
    day = first_day
    while day <= last_day:
        starts.extend(datetime.combine(day, time(h)) for h in range(24))
        day += timedelta(days=1)
    return IntervalSeries(
        starts=starts, counts=[counts.get(s, 0.0) for s in starts], header=[], rows=[]
    )


def first_volume_day(*, workspace_id: int, zone: ZoneInfo) -> date | None:
    first = (
        HourlyRollup.objects.filter(workspace_id=workspace_id, kind=EventKind.CREATED)
        .order_by("hour")
        .values_list("hour", flat=True)
        .first()
    )
    return first.astimezone(zone).date() if first is not None else None


def mean_handle_seconds(*, workspace_id: int, first_day: date, last_day: date) -> float | None:
    """Mean handle time (assignment to resolution) of the conversations resolved in the days."""
    totals = DailyRollup.objects.filter(
        workspace_id=workspace_id, kind=EventKind.HANDLED, day__gte=first_day, day__lte=last_day
    ).aggregate(n=Sum("value_count"), s=Sum("value_sum"))
    if not totals["n"]:
        return None
    return float(totals["s"]) / int(totals["n"])

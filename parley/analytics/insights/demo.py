"""What the mining pages need on top of the demo's synthetic history (parley/analytics/
demo_history.py): each history conversation gets the customer's first message (Chinese or
English, by its topic; a coupon problem appears only in the last week, so "new this week" has
something to find), widget conversations the bot's intent, e-mail conversations a ticket with
tags and a product. Then the snapshots are computed.

Deterministic and idempotent (a second run adds nothing); rows are written in bulk, as demo
data, not through the services. Refused outside the embedded demo mode.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from parley.accounts.models import Workspace
from parley.bot.models import BotSession
from parley.conversations.models import Conversation, Message, MessageKind, SenderType
from parley.conversations.search_text import index_words
from parley.inboxes.models import InboxKind
from parley.tickets.models import CreatedVia, Tag, Ticket, TicketCounter

MESSAGES: dict[str, list[str]] = {
    "delivery": [
        "我的快递三天了还没到，物流信息一直不更新",
        "包裹显示已签收但是我没有收到快递",
        "配送地址填错了，订单还能修改地址吗",
        "Where is my package? The tracking has not updated for days",
        "The courier left my parcel at the wrong address",
    ],
    "refund": [
        "申请退款以后多久能到账",
        "退货退款申请一直没有处理",
        "退款被拒绝了，想知道原因",
        "I want a refund for my order, the item arrived damaged",
        "How long does the refund take to reach my card?",
    ],
    "payment": [
        "支付失败但是银行卡已经扣款了",
        "微信支付一直提示错误，无法付款",
        "订单发票怎么开，需要公司抬头",
        "My card was charged twice for one order",
        "The payment page keeps failing with an error",
    ],
    "account": [
        "登录密码忘记了怎么重置",
        "手机号码换了，账号怎么重新绑定",
        "账户被冻结了，无法登录",
        "I cannot log in to my account after the password reset",
        "How do I change the email address of my account?",
    ],
    "product question": [
        "这款耳机支持主动降噪吗",
        "这件外套的尺码偏大还是偏小",
        "手机电池续航大概多久",
        "Is this jacket waterproof in heavy rain?",
        "Does the blender come with a warranty?",
    ],
}
NEW_THIS_WEEK = [
    "优惠券无法使用，结算时提示优惠券已过期",
    "领取的优惠券在结算页面不显示",
    "The discount coupon code does not work at checkout",
    "My coupon disappeared from the account before checkout",
]
INTENTS = {
    "delivery": "track_order",
    "refund": "refund_request",
    "payment": "payment_problem",
    "account": "login_help",
    "product question": "product_info",
}
PRODUCTS = {
    "delivery": ["phone", "headphones", "jacket"],
    "refund": ["headphones", "jacket"],
    "payment": ["phone", "membership"],
    "account": ["membership"],
    "product question": ["headphones", "jacket", "blender"],
}
TAGS = {
    "delivery": ["logistics", "urgent"],
    "refund": ["complaint", "vip"],
    "payment": ["billing", "urgent"],
    "account": ["security"],
    "product question": ["pre-sales"],
}


@dataclass(frozen=True)
class MiningSeeded:
    messages: int
    intents: int
    tickets: int


def _history(workspace: Workspace) -> list[Conversation]:
    return list(
        Conversation.objects.filter(
            workspace=workspace, contact__email__startswith="history-", last_seq=0
        )
        .select_related("inbox")
        .order_by("created_at", "pk")
    )


@transaction.atomic
def mining_demo_seed(*, workspace: Workspace, now: datetime, seed: int = 11) -> MiningSeeded:
    if not settings.PARLEY_DEMO:
        raise ImproperlyConfigured("Synthetic history is for the embedded demo only.")
    conversations = _history(workspace)
    if not conversations:
        return MiningSeeded(messages=0, intents=0, tickets=0)
    rng = random.Random(seed)  # noqa: S311 (demo data, reproducible on purpose)
    week_ago = now - timedelta(days=7)
    messages: list[Message] = []
    sessions: list[BotSession] = []
    tickets: list[tuple[Conversation, str, list[str]]] = []
    for c in conversations:
        topic = c.topic if c.topic in MESSAGES else "product question"
        if c.created_at >= week_ago and rng.random() < 0.25:
            body = rng.choice(NEW_THIS_WEEK)
        else:
            body = rng.choice(MESSAGES[topic])
        messages.append(
            Message(
                workspace=workspace,
                conversation=c,
                seq=1,
                sender_type=SenderType.CONTACT,
                sender_contact_id=c.contact_id,
                kind=MessageKind.TEXT,
                body=body,
                search_words=index_words(body),
            )
        )
        if c.inbox.kind == InboxKind.WIDGET and rng.random() < 0.6:
            intent = INTENTS[topic] if rng.random() < 0.85 else rng.choice(list(INTENTS.values()))
            sessions.append(
                BotSession(conversation=c, workspace=workspace, inbox_id=c.inbox_id, intent=intent)
            )
        if c.inbox.kind == InboxKind.EMAIL:
            tags = [t for t in TAGS[topic] if rng.random() < 0.6]
            if "coupon" in body or "优惠券" in body:
                tags.append("promotion")
            tickets.append((c, rng.choice(PRODUCTS[topic]), tags))
    created = Message.objects.bulk_create(messages, batch_size=500)
    for message in created:
        message.created_at = message.conversation.created_at + timedelta(seconds=5)
    Message.objects.bulk_update(created, ["created_at"], batch_size=500)
    Conversation.objects.filter(pk__in=[c.pk for c in conversations]).update(last_seq=1)
    BotSession.objects.bulk_create(sessions, batch_size=500)
    _tickets(workspace, tickets)
    return MiningSeeded(messages=len(created), intents=len(sessions), tickets=len(tickets))


def _tickets(workspace: Workspace, rows: list[tuple[Conversation, str, list[str]]]) -> None:
    if not rows:
        return
    TicketCounter.objects.bulk_create([TicketCounter(workspace=workspace)], ignore_conflicts=True)
    counter = TicketCounter.objects.select_for_update().get(pk=workspace.pk)
    first = counter.last_number + 1
    counter.last_number += len(rows)
    counter.save(update_fields=["last_number"])
    names = sorted({tag for _, _, tags in rows for tag in tags})
    Tag.objects.bulk_create(
        [Tag(workspace=workspace, name=name) for name in names], ignore_conflicts=True
    )
    tag_ids = dict(Tag.objects.filter(workspace=workspace).values_list("name", "pk"))
    made = Ticket.objects.bulk_create(
        [
            Ticket(
                conversation=c,
                workspace=workspace,
                number=first + i,
                subject=c.topic.capitalize(),
                custom_fields={"product": product},
                created_via=CreatedVia.API,
                closed_at=c.resolved_at,
            )
            for i, (c, product, _) in enumerate(rows)
        ],
        batch_size=500,
    )
    through = Ticket.tags.through
    through.objects.bulk_create(
        [
            through(ticket_id=ticket.pk, tag_id=tag_ids[tag])
            for ticket, (_, _, tags) in zip(made, rows, strict=True)
            for tag in tags
        ],
        batch_size=1000,
    )

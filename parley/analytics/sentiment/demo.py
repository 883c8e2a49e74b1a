"""Demo data for the Sentiment page: three weeks of widget conversations whose customers write
one to three messages (Chinese or English) in a mood that may change — calm, upset, turning
upset, or calming down — answered with CSAT ratings that follow the final mood, and a few
upset customers still waiting now. The scoring job then scores them and the rollup job rolls
the events up, exactly as for live traffic.

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

from parley.accounts.models import Member, Role, Team, Workspace
from parley.analytics.models import MessageSentiment
from parley.analytics.rollups import rollups_fill
from parley.analytics.sentiment.scoring import sentiment_score_pending
from parley.contacts.models import Contact
from parley.conversations.models import (
    Conversation,
    CsatResponse,
    Message,
    MessageKind,
    SenderType,
    Status,
)
from parley.inboxes.models import Inbox, InboxKind

EMAIL_PREFIX = "sentiment-demo-"

SAY: dict[str, list[str]] = {
    "negative": [
        "等了四十分钟还没人回复，太让人失望了",
        "商品有质量问题，客服还推来推去，非常生气",
        "退款拖了十天还没到账，你们到底怎么回事",
        "第三次联系了，问题依然没有解决，很不满意",
        "快递把箱子压坏了，东西全碎了，太糟糕了",
        "I have been waiting forever and nobody helps, this is awful",
        "Your agent hung up on me, I am really angry",
        "Still no refund after ten days, this is unacceptable",
        "The replacement is broken too, very disappointed",
        "I am fed up with explaining the same problem again",
    ],
    "neutral": [
        "请问订单什么时候发货",
        "我想修改一下收货地址",
        "发票可以开公司抬头吗",
        "会员积分在哪里查看",
        "请问这个型号有现货吗",
        "When will my order be shipped?",
        "Can I change the delivery address?",
        "Which documents do you need from me?",
        "Is this model in stock?",
        "How do I check my points balance?",
    ],
    "positive": [
        "问题解决了，谢谢你们的耐心",
        "客服很专业，处理得很快，给个好评",
        "收到补发的商品了，非常满意",
        "谢谢，服务真的很贴心",
        "退款已经到账了，谢谢帮忙",
        "Thanks, that fixed it, great help",
        "Very quick and friendly support, thank you",
        "The replacement arrived and it is perfect",
        "Refund received, much appreciated",
        "Excellent service, thanks a lot",
    ],
}
# (moods of the messages in order, CSAT ratings to draw from, weight)
ARCS: list[tuple[list[str], list[int], int]] = [
    (["neutral"], [3, 4, 4, 5], 30),
    (["neutral", "positive"], [4, 5, 5], 20),
    (["positive"], [4, 5], 10),
    (["negative"], [1, 1, 2, 3], 12),
    (["neutral", "negative", "negative"], [1, 2, 2], 12),  # turning upset
    (["negative", "neutral", "positive"], [3, 4, 5], 10),  # calmed down
    (["neutral", "negative"], [1, 2, 3], 6),
]
NAMES = ["王芳", "李伟", "张敏", "刘洋", "陈静", "Emma Brown", "Liam Smith", "Olivia Jones"]


@dataclass(frozen=True)
class SentimentSeeded:
    conversations: int
    messages: int
    scored: int


def _choose_arc(rng: random.Random, *, late: bool) -> tuple[list[str], list[int]]:
    # the last week has more upset customers: a spike the page (and an alert rule) can show
    weights = [w * (2 if late and "negative" in moods else 1) for moods, _, w in ARCS]
    moods, ratings, _ = rng.choices(ARCS, weights=weights)[0]
    return moods, ratings


@transaction.atomic
def _rows(*, workspace: Workspace, now: datetime, days: int, seed: int) -> tuple[int, int]:
    inbox = Inbox.objects.filter(workspace=workspace, kind=InboxKind.WIDGET).order_by("pk").first()
    if inbox is None:
        return 0, 0
    agents = list(Member.objects.filter(workspace=workspace, role=Role.AGENT, is_active=True))
    teams = list(Team.objects.filter(workspace=workspace))
    rng = random.Random(seed)  # noqa: S311 (demo data, reproducible on purpose)
    plan: list[tuple[datetime, list[str], list[int], bool]] = []
    for back in range(days, -1, -1):
        for _ in range(rng.randint(5, 9)):
            at = now - timedelta(days=back, hours=rng.uniform(0.5, 10))
            moods, ratings = _choose_arc(rng, late=back < 7)
            plan.append((at, moods, ratings, False))
    for i in range(4):  # upset customers waiting now
        plan.append(
            (now - timedelta(minutes=20 + 25 * i), ["neutral", "negative", "negative"], [], True)
        )
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                workspace=workspace,
                name=f"{rng.choice(NAMES)} {i + 1}",
                email=f"{EMAIL_PREFIX}{i}@example.test",
            )
            for i in range(len(plan))
        ]
    )
    conversations = [
        Conversation(
            workspace=workspace,
            inbox=inbox,
            contact=contact,
            status=Status.OPEN if waiting else Status.RESOLVED,
            assignee=rng.choice(agents) if agents else None,
            team=rng.choice(teams) if teams else None,
            last_seq=len(moods),
        )
        for contact, (_, moods, _, waiting) in zip(contacts, plan, strict=True)
    ]
    Conversation.objects.bulk_create(conversations)
    messages: list[Message] = []
    csat: list[CsatResponse] = []
    for c, (at, moods, ratings, waiting) in zip(conversations, plan, strict=True):
        c.created_at = at
        c.last_activity_at = at + timedelta(minutes=4 * len(moods))
        if not waiting:
            c.resolved_at = c.last_activity_at + timedelta(minutes=2)
        for seq, mood in enumerate(moods, start=1):
            messages.append(
                Message(
                    workspace=workspace,
                    conversation=c,
                    seq=seq,
                    sender_type=SenderType.CONTACT,
                    sender_contact_id=c.contact_id,
                    kind=MessageKind.TEXT,
                    body=rng.choice(SAY[mood]),
                )
            )
        if not waiting and c.resolved_at is not None and rng.random() < 0.8:
            csat.append(
                CsatResponse(
                    workspace=workspace,
                    conversation=c,
                    inbox=inbox,
                    assignee=c.assignee,
                    team=c.team,
                    resolved_at=c.resolved_at,
                    expires_at=c.resolved_at + timedelta(days=7),
                    rating=rng.choice(ratings),
                    answered_at=c.resolved_at + timedelta(minutes=1),
                )
            )
    Conversation.objects.bulk_update(
        conversations, ["created_at", "last_activity_at", "resolved_at"], batch_size=500
    )
    created = Message.objects.bulk_create(messages, batch_size=500)
    for message in created:
        message.created_at = message.conversation.created_at + timedelta(minutes=4 * message.seq)
    Message.objects.bulk_update(created, ["created_at"], batch_size=500)
    CsatResponse.objects.bulk_create(csat, batch_size=500)
    return len(conversations), len(created)


def sentiment_demo_seed(
    *, workspace: Workspace, now: datetime, days: int = 21, seed: int = 17
) -> SentimentSeeded:
    if not settings.PARLEY_DEMO:
        raise ImproperlyConfigured("Synthetic history is for the embedded demo only.")
    if Contact.objects.filter(workspace=workspace, email__startswith=EMAIL_PREFIX).exists():
        return SentimentSeeded(conversations=0, messages=0, scored=0)
    conversations, messages = _rows(workspace=workspace, now=now, days=days, seed=seed)
    later = now + timedelta(minutes=5)
    while sentiment_score_pending(now=later):  # (a running server's job may score some too)
        pass
    rollups_fill(now=later)
    scored = MessageSentiment.objects.filter(
        workspace=workspace, conversation__contact__email__startswith=EMAIL_PREFIX
    ).count()
    return SentimentSeeded(conversations=conversations, messages=messages, scored=scored)

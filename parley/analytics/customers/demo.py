"""Months of customer history with a churn pattern, for the demo workspace and for tests.

Each synthetic customer comes back every few weeks (their own mean gap) until they leave. A
visit is *bad* with the customer's own probability; a bad visit leaves its marks — which ones is
``effects`` (long queue wait, giving up waiting, a rating of 1–2, an SLA breach, a negative
tone) — and makes leaving after it far more likely (``churn_after_bad`` against
``churn_after_good``). Customers also fall silent by chance (a long gap), so the label is noisy
the way real silence is. Deterministic for a seed and a "now". Rows are written in bulk; the
demo seed (``customers_demo_seed``) then trains the model and computes the profiles.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from parley.accounts.models import Member, Workspace
from parley.analytics.customers.churn import NotEnoughHistory
from parley.analytics.customers.profiles import churn_model_train, profiles_refresh
from parley.analytics.models import ConversationSentiment, EventKind, ReportingEvent
from parley.analytics.rollups import rollups_rebuild
from parley.contacts.models import Contact
from parley.conversations.models import Conversation, Message, SenderType, Status
from parley.inboxes.models import Inbox

ALL_EFFECTS = frozenset({"wait", "abandoned", "csat", "sla", "sentiment"})
MARKER_DOMAIN = "customers.demo.parley.test"
ASKS = {
    "delivery": ("我的快递三天了还没到，物流信息一直不更新", "Where is my parcel? It is late."),
    "refund": ("申请退款一周了还没到账，请帮忙查一下", "I still have not received my refund."),
    "payment": ("付款失败了但是银行卡已经扣款", "My payment failed but my card was charged."),
    "account": ("账号登录不上，手机验证码收不到", "I cannot log in, no verification code."),
    "product question": ("这款耳机支持快充和降噪吗", "Does this headset support fast charging?"),
}
COMPLAINTS = ("等了很久都没有人回复，太失望了", "I waited forever, very disappointed.")


@dataclass(frozen=True)
class ChurnHistory:
    contacts: int
    conversations: int
    events: int


def churn_history_generate(
    *,
    workspace: Workspace,
    inboxes: list[Inbox],
    agents: list[Member],
    now: datetime,
    contacts: int = 240,
    days: int = 300,
    effects: frozenset[str] = ALL_EFFECTS,
    churn_after_bad: float = 0.45,
    churn_after_good: float = 0.03,
    seed: int = 11,
) -> ChurnHistory:
    rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible on purpose)
    people = Contact.objects.bulk_create(
        Contact(
            workspace=workspace,
            name=f"{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice('伟芳娜敏静磊洋勇艳杰')}"
            if i % 2
            else f"Customer {i}",
            email=f"c{i}-{seed}@{MARKER_DOMAIN}",
            locale="zh-CN" if i % 2 else "en",
        )
        for i in range(contacts)
    )
    conversations: list[Conversation] = []
    facts: list[tuple[Conversation, bool, datetime]] = []
    for person in people:
        bad_rate = rng.choice([0.05, 0.1, 0.2, 0.45])
        gap = rng.uniform(8, 30)
        moment = now - timedelta(days=rng.uniform(days * 0.25, days))
        while moment < now:
            day = moment.date()
            at = datetime.combine(day, time(rng.randint(8, 21)), tzinfo=now.tzinfo) + timedelta(
                seconds=rng.randint(0, 3599)
            )
            if at >= now:
                break
            bad = rng.random() < bad_rate
            inbox = rng.choices(inboxes, weights=[6, 3, 1][: len(inboxes)] or None)[0]
            topic = rng.choice(list(ASKS))
            c = Conversation(
                workspace=workspace,
                inbox=inbox,
                contact=person,
                status=Status.RESOLVED,
                topic=topic,
                assignee=rng.choice(agents) if agents else None,
            )
            conversations.append(c)
            facts.append((c, bad, at))
            if rng.random() < (churn_after_bad if bad else churn_after_good):
                break
            moment = at + timedelta(days=max(0.5, rng.expovariate(1 / gap)))
    Conversation.objects.bulk_create(conversations, batch_size=500)
    events: list[ReportingEvent] = []
    messages: list[Message] = []
    sentiments: list[ConversationSentiment] = []
    for c, bad, at in facts:
        c.created_at = at
        open_now = at > now - timedelta(days=3) and rng.random() < 0.3
        own = _events(rng, c, bad, at, effects)
        events.extend(own)
        resolved = max(e.occurred_at for e in own if e.kind == EventKind.RESOLVED)
        c.resolved_at = None if open_now else resolved
        c.status = Status.OPEN if open_now else Status.RESOLVED
        c.last_activity_at = resolved
        zh = c.contact.locale == "zh-CN"
        texts = [ASKS[c.topic][0 if zh else 1]]
        if bad:
            texts.append(COMPLAINTS[0 if zh else 1])
        for seq, text in enumerate(texts, start=1):
            messages.append(
                Message(
                    workspace=workspace,
                    conversation=c,
                    seq=seq,
                    sender_type=SenderType.CONTACT,
                    sender_contact=c.contact,
                    body=text,
                    created_at=at + timedelta(seconds=seq * 20),
                )
            )
        c.last_seq = len(texts)
        negative = bad and "sentiment" in effects
        score = max(-1.0, min(1.0, rng.gauss(-0.6 if negative else 0.25, 0.25)))
        sentiments.append(
            ConversationSentiment(
                conversation=c,
                workspace=workspace,
                score=round(score, 3),
                label="negative" if score < -0.2 else "positive" if score > 0.2 else "neutral",
                messages_scored=len(texts),
            )
        )
    Conversation.objects.bulk_update(
        conversations,
        ["created_at", "resolved_at", "status", "last_activity_at", "last_seq"],
        batch_size=500,
    )
    stamps = [m.created_at for m in messages]
    Message.objects.bulk_create(messages, batch_size=1000)
    for message, stamp in zip(messages, stamps, strict=True):
        message.created_at = stamp
    Message.objects.bulk_update(messages, ["created_at"], batch_size=1000)
    ReportingEvent.objects.bulk_create(events, batch_size=1000)
    ConversationSentiment.objects.bulk_create(sentiments, batch_size=1000)
    return ChurnHistory(contacts=len(people), conversations=len(conversations), events=len(events))


def _events(
    rng: random.Random, c: Conversation, bad: bool, start: datetime, effects: frozenset[str]
) -> list[ReportingEvent]:
    out: list[ReportingEvent] = []

    def add(kind: str, at: datetime, value: float | None = None) -> None:
        out.append(
            ReportingEvent(
                workspace_id=c.workspace_id,
                kind=kind,
                occurred_at=at,
                recorded_at=at,
                conversation_id=c.pk,
                inbox_id=c.inbox_id,
                member_id=c.assignee_id,
                channel=c.inbox.kind,
                value=value,
            )
        )

    add(EventKind.CREATED, start)
    slow = bad and "wait" in effects
    wait = rng.uniform(900, 2400) if slow else rng.uniform(15, 240)
    if bad and "abandoned" in effects and rng.random() < 0.5:
        add(EventKind.ABANDONED, start + timedelta(seconds=wait), wait)
        add(EventKind.RESOLVED, start + timedelta(seconds=wait), wait)
        return out
    assigned = start + timedelta(seconds=wait)
    add(EventKind.ASSIGNED, assigned, wait)
    end = assigned + timedelta(seconds=rng.uniform(180, 1500))
    add(EventKind.RESOLVED, end, (end - start).total_seconds())
    add(
        EventKind.SLA_BREACHED if bad and "sla" in effects else EventKind.SLA_MET,
        end,
    )
    if rng.random() < 0.6:
        unhappy = bad and "csat" in effects
        rating = rng.choice([1, 2]) if unhappy else rng.choice([3, 4, 4, 5, 5])
        add(EventKind.CSAT, end + timedelta(minutes=2), float(rating))
    if rng.random() < 0.05:
        add(EventKind.REOPENED, end + timedelta(hours=rng.uniform(2, 48)))
    return out


@dataclass(frozen=True)
class CustomersSeeded:
    history: ChurnHistory
    model_version: int | None
    validation_auc: float | None
    profiles: int


@transaction.atomic
def customers_demo_seed(*, workspace: Workspace, now: datetime) -> CustomersSeeded:
    """The demo workspace's customers with months of history, a trained model and profiles.
    Refused outside the embedded demo mode; a second run adds nothing."""
    if not settings.PARLEY_DEMO:
        raise ImproperlyConfigured("Synthetic history is for the embedded demo only.")
    empty = ChurnHistory(contacts=0, conversations=0, events=0)
    if Contact.objects.filter(workspace=workspace, email__endswith=f"@{MARKER_DOMAIN}").exists():
        return CustomersSeeded(history=empty, model_version=None, validation_auc=None, profiles=0)
    inboxes = list(Inbox.objects.filter(workspace=workspace).order_by("pk")[:3])
    agents = list(Member.objects.filter(workspace=workspace, is_active=True).order_by("pk"))
    if not inboxes:
        return CustomersSeeded(history=empty, model_version=None, validation_auc=None, profiles=0)
    history = churn_history_generate(workspace=workspace, inboxes=inboxes, agents=agents, now=now)
    rollups_rebuild(workspace_id=workspace.pk)
    try:
        model = churn_model_train(workspace=workspace, now=now)
    except NotEnoughHistory:
        model = None
    refreshed = profiles_refresh(workspace=workspace, now=now)
    return CustomersSeeded(
        history=history,
        model_version=model.version if model else None,
        validation_auc=model.validation.get("auc") if model else None,
        profiles=refreshed.profiles,
    )

"""Bot analytics: how many conversations the bot solved alone (deflection), how many it handed
over and why, the questions it could not answer grouped by similarity, and answer ratings.

Read from the bot's own tables (BotSession, BotReply), never the message timeline. Definitions
(docs/bot.md):

- a bot conversation *counts* once it is finished — handed over, resolved, or idle for
  ``IDLE_MINUTES`` — and the customer asked something (the bot replied or handed over);
- it is *deflected* when it was not handed over, no person wrote in it, the bot answered at
  least once, and the customer did not rate its last answer unhelpful.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db.models import Count, Max, Q
from django.utils import timezone

from parley.bot.models import BotRating, BotReply, BotReplyKind, BotSession
from parley.bot.nlp.tokenize import tokenize
from parley.conversations.models import Status

IDLE_MINUTES = 30
MAX_CLUSTERED = 2000
# Questions whose TF-IDF vectors are closer than this (cosine distance, average linkage) are
# one group: paraphrases of one missing answer share most of their content words.
GROUP_DISTANCE = 0.75
MAX_GROUPS = 20


@dataclass(frozen=True)
class UnansweredGroup:
    question: str  # the most typical question of the group
    count: int
    examples: list[str]


@dataclass(frozen=True)
class BotAnalytics:
    conversations: int
    deflected: int
    handed_off: int
    handoff_reasons: dict[str, int]
    answers: int
    suggestions: int
    refusals: int
    helpful: int
    unhelpful: int
    unanswered: list[UnansweredGroup]

    @property
    def deflection_rate(self) -> float:
        return round(self.deflected / self.conversations, 4) if self.conversations else 0.0

    @property
    def handoff_rate(self) -> float:
        return round(self.handed_off / self.conversations, 4) if self.conversations else 0.0


def bot_analytics(
    *, workspace_id: int, since: datetime, until: datetime, now: datetime | None = None
) -> BotAnalytics:
    now = now or timezone.now()
    idle_before = now - timedelta(minutes=IDLE_MINUTES)
    sessions = (
        BotSession.objects.filter(
            workspace_id=workspace_id, created_at__gte=since, created_at__lt=until
        )
        .annotate(
            reply_count=Count("replies"),
            answer_count=Count("replies", filter=Q(replies__kind=BotReplyKind.ANSWER)),
            last_answer=Max("replies__pk", filter=Q(replies__kind=BotReplyKind.ANSWER)),
        )
        .values(
            "pk",
            "handed_off_at",
            "handoff_reason",
            "reply_count",
            "answer_count",
            "last_answer",
            "conversation__status",
            "conversation__last_activity_at",
            "conversation__first_response_at",
        )
    )
    rows = list(sessions)
    last_answers = [r["last_answer"] for r in rows if r["last_answer"]]
    unhelpful_last = set(
        BotReply.objects.filter(pk__in=last_answers, rating=BotRating.UNHELPFUL).values_list(
            "pk", flat=True
        )
    )
    counted = deflected = handed_off = 0
    reasons: Counter[str] = Counter()
    for row in rows:
        handed = row["handed_off_at"] is not None
        finished = (
            handed
            or row["conversation__status"] == Status.RESOLVED
            or row["conversation__last_activity_at"] < idle_before
        )
        if not finished or not (row["reply_count"] or handed):
            continue
        counted += 1
        if handed:
            handed_off += 1
            reasons[row["handoff_reason"]] += 1
        elif (
            row["conversation__first_response_at"] is None
            and row["answer_count"]
            and row["last_answer"] not in unhelpful_last
        ):
            deflected += 1
    replies = BotReply.objects.filter(
        workspace_id=workspace_id, created_at__gte=since, created_at__lt=until
    )
    kinds = dict(replies.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    ratings = dict(
        replies.exclude(rating="")
        .values_list("rating")
        .annotate(n=Count("pk"))
        .values_list("rating", "n")
    )
    refused = list(
        replies.filter(kind=BotReplyKind.REFUSE)
        .order_by("-created_at")
        .values_list("question", flat=True)[:MAX_CLUSTERED]
    )
    return BotAnalytics(
        conversations=counted,
        deflected=deflected,
        handed_off=handed_off,
        handoff_reasons=dict(reasons),
        answers=kinds.get(BotReplyKind.ANSWER, 0),
        suggestions=kinds.get(BotReplyKind.SUGGEST, 0),
        refusals=kinds.get(BotReplyKind.REFUSE, 0),
        helpful=ratings.get(BotRating.HELPFUL, 0),
        unhelpful=ratings.get(BotRating.UNHELPFUL, 0),
        unanswered=group_questions(refused),
    )


def group_questions(questions: list[str], *, limit: int = MAX_GROUPS) -> list[UnansweredGroup]:
    """Similar questions together (TF-IDF over the bot's tokeniser, cosine distance, average
    linkage), biggest groups first; each named by the question nearest its centre."""
    from sklearn.cluster import AgglomerativeClustering  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

    texts = [q.strip() for q in questions if q.strip()]
    if not texts:
        return []
    if len(texts) == 1:
        return [UnansweredGroup(question=texts[0], count=1, examples=texts)]
    vectors = TfidfVectorizer(analyzer=tokenize, sublinear_tf=True).fit_transform(texts)
    dense = vectors.toarray()
    empty = ~dense.any(axis=1)
    dense[empty] = 1e-9  # a question of no known word is still a question of its own
    labels = AgglomerativeClustering(
        n_clusters=None,
        distance_threshold=GROUP_DISTANCE,
        metric="cosine",
        linkage="average",
    ).fit_predict(dense)
    groups: list[UnansweredGroup] = []
    for label in set(labels.tolist()):
        members = np.flatnonzero(labels == label)
        centre = dense[members].mean(axis=0)
        nearest = members[int(np.argmax(dense[members] @ centre))]
        distinct = list(dict.fromkeys(texts[i] for i in members))
        groups.append(
            UnansweredGroup(question=texts[nearest], count=len(members), examples=distinct[:5])
        )
    groups.sort(key=lambda g: (-g.count, g.question))
    return groups[:limit]

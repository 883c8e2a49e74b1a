"""Use cases: refresh a workspace's customer profiles (and their risk scores), train a churn
model. Both run as jobs (tasks.py) and from ``parley analytics``; neither runs on a request."""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db import transaction
from django.db.models import Max
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from parley.accounts.models import Workspace
from parley.analytics.customers.churn import (
    HORIZON_DAYS,
    ChurnParams,
    TrainedChurn,
    predict,
    reasons,
    risk_level,
    train_churn,
)
from parley.analytics.customers.features import ACTIVE_DAYS, FEATURE_NAMES, features_at, is_active
from parley.analytics.customers.history import CustomerHistory, Visit, load_history
from parley.analytics.customers.models import ChurnModel, ContactProfile
from parley.analytics.mining.topics import content_words
from parley.analytics.models import EventKind
from parley.conversations.models import Message, MessageKind, SenderType

logger = logging.getLogger(__name__)

PROFILE_DAYS = 365  # contacts silent for longer keep their last profile, unscored
KEYWORDS = 5
MESSAGES_PER_CONTACT = 30
TREND_STEP = 0.2  # the last conversation's sentiment this far from the mean is a trend


def active_churn_model(*, workspace_id: int) -> ChurnModel | None:
    return ChurnModel.objects.filter(workspace_id=workspace_id, active=True).first()


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value


def _keywords(*, workspace_id: int, since: datetime, contact_ids: set[int]) -> dict[int, list[str]]:
    """Each contact's most distinctive content words (TF-IDF across contacts) in their own
    recent messages."""
    texts: dict[int, list[str]] = defaultdict(list)
    rows = (
        Message.objects.filter(
            workspace_id=workspace_id,
            sender_type=SenderType.CONTACT,
            kind=MessageKind.TEXT,
            private=False,
            created_at__gte=since,
        )
        .order_by("-created_at")
        .values_list("conversation__contact_id", "body")
    )
    for contact_id, body in rows.iterator(chunk_size=5000):
        if contact_id in contact_ids and len(texts[contact_id]) < MESSAGES_PER_CONTACT:
            texts[contact_id].append(body)
    if not texts:
        return {}
    ids = sorted(texts)
    vectoriser = TfidfVectorizer(
        tokenizer=content_words, token_pattern=None, lowercase=False, sublinear_tf=True
    )
    try:
        matrix = vectoriser.fit_transform([" \n".join(texts[i]) for i in ids]).tocsr()
    except ValueError:  # not one content word anywhere
        return {}
    vocabulary = vectoriser.get_feature_names_out()
    out: dict[int, list[str]] = {}
    for row, contact_id in enumerate(ids):
        line = matrix.getrow(row)
        order = sorted(
            zip(line.indices, line.data, strict=True), key=lambda p: (-p[1], vocabulary[p[0]])
        )
        out[contact_id] = [str(vocabulary[i]) for i, _ in order[:KEYWORDS]]
    return out


def _trend(recent: list[Visit]) -> str:
    scores = [v.sentiment for v in recent if v.sentiment is not None]
    if len(scores) < 2:
        return ""
    earlier = sum(scores[:-1]) / (len(scores) - 1)
    change = scores[-1] - earlier
    if change >= TREND_STEP:
        return "improving"
    return "worsening" if change <= -TREND_STEP else "steady"


@dataclass(frozen=True)
class Refreshed:
    profiles: int
    scored: int
    model_version: int | None


def _profile_values(
    history: CustomerHistory, contact_id: int, now: datetime, values: dict[str, float]
) -> dict[str, object]:
    visits = history.visits[contact_id]
    recent = [v for v in visits if v.created_at >= now - timedelta(days=ACTIVE_DAYS)]
    ratings = [
        (at, value)
        for v in visits
        for kind, at, value in v.events
        if kind == EventKind.CSAT and value is not None and at < now
    ]
    ratings.sort()
    recent_ratings = [r for at, r in ratings if at >= now - timedelta(days=ACTIVE_DAYS)]
    sentiments = [v.sentiment for v in recent if v.sentiment is not None]
    wait = values["wait_mean_90d"]
    return {
        "first_conversation_at": visits[0].created_at,
        "last_conversation_at": visits[-1].created_at,
        "recency_days": round(values["recency_days"], 2),
        "conversations_30d": int(values["conversations_30d"]),
        "conversations_90d": int(values["conversations_90d"]),
        "conversations_total": len(visits),
        "channels": sorted({v.channel for v in recent}),
        "topics": [[t, n] for t, n in Counter(v.topic for v in recent if v.topic).most_common(3)],
        "sentiment_mean": _finite(values["sentiment_mean_90d"]),
        "sentiment_last": sentiments[-1] if sentiments else None,
        "sentiment_trend": _trend(recent),
        "unresolved": int(values["unresolved"]),
        "csat_mean": _finite(values["csat_mean_90d"]),
        "csat_last": ratings[-1][1] if ratings else None,
        "csat_responses": len(recent_ratings),
        "reopened": int(values["reopened_90d"]),
        "sla_breaches": int(values["sla_breaches_90d"]),
        "wait_mean_seconds": None if math.isnan(wait) else round(wait * 60, 1),
        "abandoned": int(values["abandoned_90d"]),
        "features": {k: _finite(v) for k, v in values.items()},
    }


def profiles_refresh(*, workspace: Workspace, now: datetime) -> Refreshed:
    """Recompute the profile of every contact with a conversation in the last year, and score
    the active ones with the workspace's active churn model (if it has one)."""
    history = load_history(workspace_id=workspace.pk, since=now - timedelta(days=PROFILE_DAYS))
    model = active_churn_model(workspace_id=workspace.pk)
    params = ChurnParams.from_json(model.params) if model else None
    computed: dict[int, dict[str, object]] = {}
    for contact_id in history.contacts():
        values = features_at(history, contact_id, now)
        if not values:
            continue
        fields = _profile_values(history, contact_id, now, values)
        fields.update(risk=None, risk_level="", reasons=[], model_version=None)
        if params is not None and model is not None and is_active(values):
            row = [values[name] for name in FEATURE_NAMES]
            risk = float(predict(params, np.array([row], dtype=float))[0])
            fields.update(
                risk=round(risk, 4),
                risk_level=risk_level(risk),
                reasons=reasons(params, row),
                model_version=model.version,
            )
        computed[contact_id] = fields
    words = _keywords(
        workspace_id=workspace.pk,
        since=now - timedelta(days=ACTIVE_DAYS),
        contact_ids={c for c, f in computed.items() if f["conversations_90d"]},
    )
    names = [*next(iter(computed.values()), {}).keys(), "keywords", "computed_at"]
    with transaction.atomic():
        existing = {
            p.contact_id: p
            for p in ContactProfile.objects.filter(workspace=workspace).select_for_update()
        }
        new: list[ContactProfile] = []
        changed: list[ContactProfile] = []
        for contact_id, fields in computed.items():
            profile = existing.get(contact_id) or ContactProfile(
                workspace=workspace, contact_id=contact_id
            )
            for name, value in fields.items():
                setattr(profile, name, value)
            profile.keywords = words.get(contact_id, [])
            profile.computed_at = now
            (changed if profile.pk else new).append(profile)
        ContactProfile.objects.bulk_create(new, batch_size=500)
        if changed and names:
            ContactProfile.objects.bulk_update(changed, names, batch_size=500)
        # Profiles of contacts silent for over a year keep their figures but lose their score.
        ContactProfile.objects.filter(workspace=workspace, computed_at__lt=now).update(
            risk=None, risk_level="", reasons=[], model_version=None
        )
    scored = sum(1 for f in computed.values() if f["risk"] is not None)
    return Refreshed(
        profiles=len(computed), scored=scored, model_version=model.version if model else None
    )


def churn_model_train(
    *, workspace: Workspace, now: datetime, horizon_days: int = HORIZON_DAYS
) -> ChurnModel:
    """Train on the workspace's own history and make the result the active model (a new
    version; older ones are kept). Raises NotEnoughHistory when there is too little to learn."""
    history = load_history(
        workspace_id=workspace.pk, since=now - timedelta(days=PROFILE_DAYS + horizon_days)
    )
    trained: TrainedChurn = train_churn(history, now=now, horizon_days=horizon_days)
    with transaction.atomic():
        # One training at a time per workspace: the version number is taken under this lock.
        Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
        latest = ChurnModel.objects.filter(workspace=workspace).aggregate(top=Max("version"))["top"]
        ChurnModel.objects.filter(workspace=workspace, active=True).update(active=False)
        model = ChurnModel.objects.create(
            workspace=workspace,
            version=(latest or 0) + 1,
            created_at=now,
            horizon_days=horizon_days,
            active_days=ACTIVE_DAYS,
            cutoffs=[c.date().isoformat() for c in trained.cutoffs],
            train_rows=trained.train_rows,
            train_positives=trained.train_positives,
            validation=trained.validation,
            params=trained.params.as_json(),
            active=True,
        )
    logger.info(
        "churn model trained",
        extra={"workspace": workspace.pk, "version": model.version, **trained.validation},
    )
    return model

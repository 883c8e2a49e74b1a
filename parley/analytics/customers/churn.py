"""The churn-risk model: label, time-based training and validation, scores and their reasons.

Label (docs/churn.md). At a cut-off T, a contact is *active* if they started a conversation in
the ``ACTIVE_DAYS`` (90) days before T. An active contact has *churned* if they start no
conversation in the ``horizon_days`` (default 60) days from T. Parley sees a customer through
their conversations only, so a returning customer who falls silent is the signal it can observe;
the score says how much a contact's recent experience looks like that of customers who fell
silent before.

Training. Labelled cut-offs run back from ``today - horizon`` (the newest whose horizon has fully
passed) every ``step_days``. The newest is held out for validation: a model fitted on cut-offs
at least one horizon older than it — so no training label looks past the validation cut-off —
scores it, and its AUC is stored with the version. The stored model is then refitted on every
labelled cut-off.

Model. A logistic regression on standardised features (missing values filled with the training
mean). It is small, fast, stable on a few hundred rows and exactly decomposable: a contact's
log-odds are the intercept plus one term per feature, ``coef · (x − mean) / scale``, so each
term is how much that feature moves this contact's risk away from the average contact's. The
reasons are the largest positive terms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.metrics import average_precision_score, roc_auc_score  # type: ignore[import-untyped]

from parley.analytics.customers.features import (
    ACTIVE_DAYS,
    BY_NAME,
    FEATURE_NAMES,
    features_at,
    is_active,
)
from parley.analytics.customers.history import CustomerHistory

HORIZON_DAYS = 60
STEP_DAYS = 14
MIN_ROWS = 30  # fewer labelled rows (or a single class) and no model is trained
HIGH, MEDIUM = 0.5, 0.25  # risk levels
REASON_MIN = 0.15  # a term must add at least this much log-odds to be named as a reason
MAX_REASONS = 3


class NotEnoughHistory(ValueError):
    """The workspace's history is too short or too uniform to learn from."""


@dataclass(frozen=True)
class Labelled:
    cutoff: datetime
    contact_ids: list[int]
    rows: np.ndarray  # one row of FEATURE_NAMES per contact (NaN: missing)
    labels: np.ndarray  # 1 = churned


def label_at(
    history: CustomerHistory, cutoff: datetime, *, horizon_days: int = HORIZON_DAYS
) -> Labelled:
    """Every contact active at ``cutoff``, their features then and whether they churned."""
    ids, rows, labels = [], [], []
    end = cutoff + timedelta(days=horizon_days)
    for contact_id in history.contacts():
        values = features_at(history, contact_id, cutoff)
        if not is_active(values):
            continue
        following = history.first_after(contact_id, cutoff)
        ids.append(contact_id)
        rows.append([values[name] for name in FEATURE_NAMES])
        labels.append(0 if following is not None and following < end else 1)
    return Labelled(
        cutoff=cutoff,
        contact_ids=ids,
        rows=np.array(rows, dtype=float).reshape(-1, len(FEATURE_NAMES)),
        labels=np.array(labels, dtype=int),
    )


def labelled_cutoffs(
    *,
    first: datetime,
    now: datetime,
    horizon_days: int = HORIZON_DAYS,
    step_days: int = STEP_DAYS,
) -> list[datetime]:
    """Cut-offs whose horizon has passed, newest first, back to one activity window after the
    first conversation (before that no contact has a full window of history)."""
    newest = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=horizon_days)
    earliest = first + timedelta(days=ACTIVE_DAYS // 2)
    out = []
    cutoff = newest
    while cutoff >= earliest:
        out.append(cutoff)
        cutoff -= timedelta(days=step_days)
    return out


@dataclass(frozen=True)
class ChurnParams:
    features: list[str]
    impute: list[float]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float

    def as_json(self) -> dict[str, Any]:
        return {
            "features": self.features,
            "impute": self.impute,
            "mean": self.mean,
            "scale": self.scale,
            "coef": self.coef,
            "intercept": self.intercept,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChurnParams:
        return cls(
            features=list(data["features"]),
            impute=[float(x) for x in data["impute"]],
            mean=[float(x) for x in data["mean"]],
            scale=[float(x) for x in data["scale"]],
            coef=[float(x) for x in data["coef"]],
            intercept=float(data["intercept"]),
        )


def fit(rows: np.ndarray, labels: np.ndarray, *, c: float = 1.0) -> ChurnParams:
    if len(labels) < MIN_ROWS or len(set(labels.tolist())) < 2:
        raise NotEnoughHistory(
            f"{len(labels)} labelled contacts ({int(labels.sum())} churned): too few to learn from."
        )
    present = ~np.isnan(rows)
    counts = present.sum(axis=0)
    sums = np.where(present, rows, 0.0).sum(axis=0)
    impute = np.divide(sums, counts, out=np.zeros(rows.shape[1]), where=counts > 0)
    filled = np.where(np.isnan(rows), impute, rows)
    mean = filled.mean(axis=0)
    scale = filled.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    model = LogisticRegression(C=c, max_iter=1000)
    model.fit((filled - mean) / scale, labels)
    return ChurnParams(
        features=list(FEATURE_NAMES),
        impute=impute.tolist(),
        mean=mean.tolist(),
        scale=scale.tolist(),
        coef=model.coef_[0].tolist(),
        intercept=float(model.intercept_[0]),
    )


def terms(params: ChurnParams, rows: np.ndarray) -> np.ndarray:
    """Each feature's additive share of each row's log-odds, relative to the average contact."""
    filled = np.where(np.isnan(rows), np.array(params.impute), rows)
    return (filled - np.array(params.mean)) / np.array(params.scale) * np.array(params.coef)


def predict(params: ChurnParams, rows: np.ndarray) -> np.ndarray:
    logits = params.intercept + terms(params, rows).sum(axis=1)
    return 1.0 / (1.0 + np.exp(-logits))


def risk_level(risk: float) -> str:
    return "high" if risk >= HIGH else "medium" if risk >= MEDIUM else "low"


def _shown(value: float, unit: str) -> str:
    if math.isnan(value):
        return "—"
    if unit in ("days", "min") or abs(value) >= 10:
        return f"{value:.0f}"
    if abs(value) < 1:  # a sentiment score or a rare count: two decimals
        return f"{value:.2f}"
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.0f}"


def reasons(params: ChurnParams, row: Sequence[float]) -> list[dict[str, Any]]:
    """The features that raise this contact's risk most, in plain words (English, Chinese)."""
    values = np.array([row], dtype=float)
    shares = terms(params, values)[0]
    order = np.argsort(-shares)
    out: list[dict[str, Any]] = []
    for index in order[:MAX_REASONS]:
        share = float(shares[index])
        if share < REASON_MIN:
            break
        name = params.features[index]
        feature = BY_NAME[name]
        value = float(values[0, index])
        typical = float(params.mean[index])
        shown, usual = _shown(value, feature.unit), _shown(typical, feature.unit)
        unit_en = {"days": " days", "min": " min"}.get(feature.unit, "")
        unit_zh = {"days": " 天", "min": " 分钟"}.get(feature.unit, "")
        out.append(
            {
                "feature": name,
                "value": None if math.isnan(value) else round(value, 3),
                "typical": round(typical, 3),
                "weight": round(share, 3),
                "en": f"{feature.en}: {shown}{unit_en} (typical {usual}{unit_en})",
                "zh": f"{feature.zh}：{shown}{unit_zh}（一般为 {usual}{unit_zh}）",
            }
        )
    return out


@dataclass(frozen=True)
class TrainedChurn:
    params: ChurnParams
    cutoffs: list[datetime]
    train_rows: int
    train_positives: int
    validation: dict[str, Any]


def train_churn(
    history: CustomerHistory,
    *,
    now: datetime,
    horizon_days: int = HORIZON_DAYS,
    step_days: int = STEP_DAYS,
) -> TrainedChurn:
    """Validate on the newest labelled cut-off, then fit on all of them (see the module doc)."""
    starts = [times[0] for times in history.starts.values() if times]
    if not starts:
        raise NotEnoughHistory("No conversations to learn from.")
    cutoffs = labelled_cutoffs(
        first=min(starts), now=now, horizon_days=horizon_days, step_days=step_days
    )
    if len(cutoffs) < 2:
        raise NotEnoughHistory("The history is shorter than two labelled cut-offs.")
    sets = [label_at(history, c, horizon_days=horizon_days) for c in cutoffs]
    held_out = sets[0]
    # Training labels must end before the validation cut-off: cut-offs ≥ one horizon older.
    older = [s for s in sets[1:] if s.cutoff + timedelta(days=horizon_days) <= held_out.cutoff]
    validation: dict[str, Any] = {
        "cutoff": held_out.cutoff.date().isoformat(),
        "rows": len(held_out.labels),
        "positives": int(held_out.labels.sum()),
        "base_rate": float(held_out.labels.mean()) if len(held_out.labels) else None,
        "auc": None,
        "average_precision": None,
        "train_cutoffs": len(older),
    }
    if older and len(set(held_out.labels.tolist())) == 2:
        rows = np.vstack([s.rows for s in older])
        labels = np.concatenate([s.labels for s in older])
        try:
            early = fit(rows, labels)
        except NotEnoughHistory:
            pass
        else:
            scores = predict(early, held_out.rows)
            validation["auc"] = float(roc_auc_score(held_out.labels, scores))
            validation["average_precision"] = float(
                average_precision_score(held_out.labels, scores)
            )
    rows = np.vstack([s.rows for s in sets])
    labels = np.concatenate([s.labels for s in sets])
    params = fit(rows, labels)
    return TrainedChurn(
        params=params,
        cutoffs=cutoffs,
        train_rows=len(labels),
        train_positives=int(labels.sum()),
        validation=validation,
    )

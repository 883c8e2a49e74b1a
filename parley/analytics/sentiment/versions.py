"""Sentiment model versions of a workspace: training, activation (atomic swap), loading.

Nothing is downloaded at run time. A workspace starts on a model trained from the bilingual
seed set committed beside this file (``seed.csv``, a few hundred customer-service sentences we
wrote, labelled negative / neutral / positive); an operator trains a better one on real data
with ``parley analytics train-sentiment --data FILE …`` (docs/analytics.md "Sentiment"). Every
training writes a new ``SentimentModelVersion`` and moves ``active`` to it in one transaction,
so the scoring job always reads one whole model; old versions stay for rollback.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.db.models import Max

from parley.accounts.models import Member, Role, Workspace
from parley.accounts.services import audit_record
from parley.analytics.mining import sentiment
from parley.analytics.mining.datasets import load_labelled_texts
from parley.analytics.models import SentimentLabel, SentimentModelVersion
from parley.errors import ApplicationError, ErrorCode

SEED_FILE = Path(__file__).with_name("seed.csv")
SEED_SOURCE = "seed"

# The labels of the data sets we read, folded to ours: waimai_10k and online_shopping_10_cats
# use 0/1, the airline tweets negative/neutral/positive.
_ALIASES = {
    "0": SentimentLabel.NEGATIVE,
    "-1": SentimentLabel.NEGATIVE,
    "neg": SentimentLabel.NEGATIVE,
    "negative": SentimentLabel.NEGATIVE,
    "1": SentimentLabel.POSITIVE,
    "pos": SentimentLabel.POSITIVE,
    "positive": SentimentLabel.POSITIVE,
    "neutral": SentimentLabel.NEUTRAL,
    "neu": SentimentLabel.NEUTRAL,
}


def normalise_label(raw: str) -> str:
    label = _ALIASES.get(raw.strip().lower())
    if label is None:
        raise ValueError(
            f"unknown sentiment label {raw!r} (expected 0/1 or negative/neutral/positive)"
        )
    return str(label)


@dataclass(frozen=True)
class TrainingSet:
    texts: list[str]
    labels: list[str]
    sources: list[str]


def training_set(*, paths: Sequence[Path] = (), include_seed: bool = True) -> TrainingSet:
    """The texts of the given data set files (any format ``datasets`` reads) plus, unless told
    otherwise, the seed set: real review sets have no neutral class, and customer-service
    questions ("where is my order?") are mostly neutral."""
    texts: list[str] = []
    labels: list[str] = []
    sources: list[str] = []
    files = ([SEED_FILE] if include_seed else []) + list(paths)
    for path in files:
        data = load_labelled_texts(path)
        texts += data.texts
        labels += [normalise_label(label) for label in data.labels]
        sources.append(SEED_SOURCE if path == SEED_FILE else path.name)
    if not texts:
        raise ValueError("nothing to train on: give --data files or keep the seed set")
    return TrainingSet(texts=texts, labels=labels, sources=sources)


@lru_cache(maxsize=1)
def _seed_artifact() -> bytes:
    """The seed model, trained once per process (under a second)."""
    data = training_set()
    return sentiment.train(data.texts, data.labels).dumps()


@transaction.atomic
def sentiment_model_store(
    *,
    workspace: Workspace,
    artifact: bytes,
    trained_on: TrainingSet,
    actor: Member | None = None,
) -> SentimentModelVersion:
    """Store a trained model as the workspace's next version and make it the active one."""
    # The workspace row is the lock: two trainings never take the same version number.
    Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
    latest = SentimentModelVersion.objects.filter(workspace=workspace).aggregate(v=Max("version"))
    SentimentModelVersion.objects.filter(workspace=workspace, active=True).update(active=False)
    version = SentimentModelVersion.objects.create(
        workspace=workspace,
        version=(latest["v"] or 0) + 1,
        trained_on_count=len(trained_on.texts),
        sources=trained_on.sources,
        metrics={"labels": dict(sorted(Counter(trained_on.labels).items()))},
        artifact=artifact,
        active=True,
    )
    audit_record(
        workspace=workspace,
        actor=actor,
        action="sentiment_model.trained",
        target=version,
        data={"version": version.version, "sources": trained_on.sources},
    )
    return version


def sentiment_model_train(
    *,
    workspace: Workspace,
    paths: Sequence[Path] = (),
    include_seed: bool = True,
    actor: Member | None = None,
) -> SentimentModelVersion:
    """Train on files (and the seed set) outside any transaction, then swap it in atomically."""
    data = training_set(paths=paths, include_seed=include_seed)
    if len(set(data.labels)) < 2:
        raise ValueError("training needs at least two labels")
    # Balanced class weights: the review sets bring thousands of negative and positive rows and
    # the seed set a hundred neutral ones; unweighted, the neutral class all but disappears
    # (docs/benchmarks.md "Sentiment in the product").
    config = sentiment.SentimentConfig(balanced=True) if len(set(data.labels)) > 2 else None
    model = sentiment.train(data.texts, data.labels, config=config)
    return sentiment_model_store(
        workspace=workspace, artifact=model.dumps(), trained_on=data, actor=actor
    )


def sentiment_model_bootstrap(*, workspace: Workspace) -> SentimentModelVersion:
    """The seed model as the workspace's first version (a new workspace works out of the box)."""
    existing = SentimentModelVersion.objects.filter(workspace=workspace, active=True).first()
    if existing is not None:
        return existing
    return sentiment_model_store(
        workspace=workspace, artifact=_seed_artifact(), trained_on=training_set()
    )


@transaction.atomic
def sentiment_model_activate(*, actor: Member, version: int) -> SentimentModelVersion:
    """Roll back (or forward) to a stored version; admins only, audited."""
    if actor.role not in {Role.OWNER, Role.ADMIN}:
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Only admins switch models.")
    workspace = actor.workspace
    Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
    target = SentimentModelVersion.objects.filter(workspace=workspace, version=version).first()
    if target is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such model version.")
    SentimentModelVersion.objects.filter(workspace=workspace, active=True).exclude(
        pk=target.pk
    ).update(active=False)
    if not target.active:
        target.active = True
        target.save(update_fields=["active"])
    audit_record(
        workspace=workspace,
        actor=actor,
        action="sentiment_model.activated",
        target=target,
        data={"version": target.version},
    )
    return target


# ---- loading (cached per process, keyed by the version row) -----------------------------

MAX_LOADED = 16
_loaded: dict[int, sentiment.SentimentModel] = {}
_lock = threading.Lock()


def model_for(version: SentimentModelVersion) -> sentiment.SentimentModel:
    """The deserialised model of a version row; a new active version is a new key, so a swap
    is picked up on the next batch without any signal."""
    with _lock:
        model = _loaded.get(version.pk)
        if model is None:
            model = sentiment.SentimentModel.loads(bytes(version.artifact))
            if len(_loaded) >= MAX_LOADED:
                _loaded.pop(next(iter(_loaded)))  # the oldest loaded
            _loaded[version.pk] = model
        return model

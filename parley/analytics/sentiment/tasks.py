"""Background jobs of sentiment. They only load and call a service."""

from __future__ import annotations

from pathlib import Path

from celery import shared_task
from django.utils import timezone

from parley.analytics.sentiment.scoring import sentiment_score_pending


@shared_task(ignore_result=True)
def score_messages() -> int:
    """Periodic (every 20 s): score the customer messages that have no score yet."""
    return sentiment_score_pending(now=timezone.now())


@shared_task(ignore_result=True)
def train_model(workspace_id: int, paths: list[str], include_seed: bool = True) -> int | None:
    """Train a workspace's model on data set files the worker can read; swap it in when done."""
    from parley.accounts.models import Workspace
    from parley.analytics.sentiment.versions import sentiment_model_train

    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return None
    version = sentiment_model_train(
        workspace=workspace, paths=[Path(p) for p in paths], include_seed=include_seed
    )
    return version.version

"""Training the intent model again after the knowledge base changes, once per burst of edits.

A change to an FAQ (created, edited, deleted) or an article's publication calls
``intent_training_request`` inside its transaction. That writes (or pushes later) the
workspace's ``IntentTrainingRequest``: due ``TRAIN_DELAY`` after the last change, and no later
than ``TRAIN_MAX_WAIT`` after the first. Only the first change of a burst queues a job, after
commit (``queue.py``: Celery in production, a thread of the process in the embedded mode). The
job calls ``intent_training_run_due``: early, it answers how long to wait and is queued again;
when due, it deletes the request and trains (``tasks.train_intent_model``'s path: the new
version is stored and swapped in atomically). A change made while it trains writes a new request,
so nothing is lost. A periodic sweep (``tasks.train_due_intent_models``) runs requests whose job
was lost with a stopped process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from parley.accounts.models import Workspace
from parley.bot.models import IntentModelVersion, IntentTrainingRequest
from parley.errors import ApplicationError

logger = logging.getLogger(__name__)


def train_delay() -> timedelta:
    return timedelta(seconds=float(settings.PARLEY_BOT_TRAIN_DELAY))


def train_max_wait() -> timedelta:
    return timedelta(seconds=float(settings.PARLEY_BOT_TRAIN_MAX_WAIT))


def intent_training_request(*, workspace_id: int, now: datetime | None = None) -> None:
    """Ask for a training after the caller's transaction commits (call it inside that one)."""
    now = now or timezone.now()
    due = now + train_delay()
    try:
        with transaction.atomic():
            IntentTrainingRequest.objects.create(
                workspace_id=workspace_id, first_requested_at=now, due_at=due
            )
    except IntegrityError:
        # A job is already queued for this burst; it will find the later due time.
        request = IntentTrainingRequest.objects.select_for_update().get(workspace_id=workspace_id)
        request.due_at = min(due, request.first_requested_at + train_max_wait())
        request.save(update_fields=["due_at"])
        return
    from parley.bot.queue import queue_intent_training

    seconds = train_delay().total_seconds()
    transaction.on_commit(
        lambda: queue_intent_training(workspace_id=workspace_id, countdown=seconds), robust=True
    )


@dataclass(frozen=True)
class TrainingOutcome:
    """What a due-training job did: ``wait`` seconds more, or trained ``version`` (None when
    there was nothing to train or too few FAQs)."""

    wait: float = 0.0
    version: int | None = None
    trained: bool = False


def _claim(*, workspace_id: int, now: datetime) -> float | None:
    """Deletes the request if due: None. Seconds still to wait, or -1 without a request."""
    with transaction.atomic():
        request = (
            IntentTrainingRequest.objects.select_for_update()
            .filter(workspace_id=workspace_id)
            .first()
        )
        if request is None:
            return -1.0
        if request.due_at > now:
            return (request.due_at - now).total_seconds()
        request.delete()
        return None


def intent_training_run_due(*, workspace_id: int, now: datetime | None = None) -> TrainingOutcome:
    """Train the workspace's intent model if its request is due (see the module's text)."""
    # Imported here: the knowledge-base services import this module, and selectors import them.
    from parley.bot.selectors import faq_training_examples
    from parley.bot.services.intent_models import intent_model_train

    waiting = _claim(workspace_id=workspace_id, now=now or timezone.now())
    if waiting is not None:
        return TrainingOutcome(wait=max(waiting, 0.0))
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return TrainingOutcome()
    examples = faq_training_examples(workspace_id=workspace_id)
    try:
        version: IntentModelVersion = intent_model_train(workspace=workspace, examples=examples)
    except ApplicationError as error:
        # Too few published FAQs: the bot answers from search; the old version stays active.
        logger.info("intent model of workspace %s not trained: %s", workspace_id, error.detail)
        return TrainingOutcome(trained=False)
    return TrainingOutcome(version=version.version, trained=True)


def intent_training_due_workspaces(*, now: datetime | None = None) -> list[int]:
    """Workspaces whose request is past due (by a grace, so a queued job normally wins)."""
    cutoff = (now or timezone.now()) - train_delay()
    return list(
        IntentTrainingRequest.objects.filter(due_at__lte=cutoff)
        .order_by("due_at")
        .values_list("workspace_id", flat=True)
    )

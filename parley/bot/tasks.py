"""Background jobs of the bot. They only load and call a service."""

from __future__ import annotations

import logging

from celery import shared_task

from parley.accounts.models import Workspace
from parley.bot.selectors import faq_training_examples
from parley.bot.services.intent_models import intent_model_train
from parley.bot.services.intent_training import (
    intent_training_due_workspaces,
    intent_training_run_due,
)
from parley.errors import ApplicationError

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def train_intent_model(workspace_id: int) -> int | None:
    """Train the workspace's intent model from its published FAQs; the new version's number."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return None
    examples = faq_training_examples(workspace_id=workspace_id)
    try:
        return intent_model_train(workspace=workspace, examples=examples).version
    except ApplicationError as error:
        # Too few FAQs yet is not a failure to retry: the old version (if any) stays active.
        logger.info("intent model of workspace %s not trained: %s", workspace_id, error.detail)
        return None


@shared_task(ignore_result=True)
def train_intent_model_when_due(workspace_id: int) -> int | None:
    """Train after a knowledge-base change once the burst of edits is over (see
    services/intent_training.py); queued again while the request is not yet due."""
    outcome = intent_training_run_due(workspace_id=workspace_id)
    if outcome.wait > 0:
        train_intent_model_when_due.apply_async((workspace_id,), countdown=outcome.wait)
    return outcome.version


@shared_task(ignore_result=True)
def train_due_intent_models() -> int:
    """Periodic sweep: run the training requests whose job was lost (a stopped worker or
    process). Returns how many it ran."""
    workspaces = intent_training_due_workspaces()
    for workspace_id in workspaces:
        intent_training_run_due(workspace_id=workspace_id)
    return len(workspaces)


@shared_task(ignore_result=True)
def bot_generated_answer(
    conversation_id: int,
    question_id: int,
    faq_id: int | None,
    article_id: int | None,
    intent: str,
    confidence: float,
) -> None:
    """Phrase one bot answer with the workspace's endpoint (or fall back) and post it."""
    from parley.bot.conversation.generated import bot_generated_reply

    bot_generated_reply(
        conversation_id=conversation_id,
        question_id=question_id,
        faq_id=faq_id,
        article_id=article_id,
        intent=intent,
        confidence=confidence,
    )

"""Training a workspace's intent model and making it the one the bot uses."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max

from parley.accounts.models import Workspace
from parley.bot.intent.model import IntentModel, IntentTrainingError
from parley.bot.models import IntentModelVersion
from parley.errors import ApplicationError, ErrorCode


def intent_model_train(
    *, workspace: Workspace, examples: Sequence[tuple[str, str]]
) -> IntentModelVersion:
    """Train on ``(text, label)`` examples, store the model as the next version and make it the
    active one. A training that fails raises and leaves the active version as it was."""
    texts = [text for text, _ in examples]
    labels = [label for _, label in examples]
    try:
        # Seconds of CPU: done before the transaction so no lock is held while it runs.
        model = IntentModel.train(texts, labels)
    except IntentTrainingError as error:
        raise ApplicationError(
            ErrorCode.INVALID, f"Cannot train the intent model: {error}"
        ) from error
    artifact = model.to_bytes()
    with transaction.atomic():
        # Serialises concurrent trainings of one workspace: version numbers and the single
        # active row are decided under the workspace's lock.
        Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
        versions = IntentModelVersion.objects.filter(workspace=workspace)
        last = versions.aggregate(last=Max("version"))["last"] or 0
        versions.filter(active=True).update(active=False)
        return IntentModelVersion.objects.create(
            workspace=workspace,
            version=last + 1,
            trained_on_count=len(examples),
            metrics=model.metrics,
            artifact=artifact,
            active=True,
        )

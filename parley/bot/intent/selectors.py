"""Reading a workspace's active intent model, cached by version."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime

from parley.bot.intent.model import IncompatibleModelError, IntentModel
from parley.bot.models import IntentModelVersion

CACHED_MODELS = 32

# Keyed by (id, created_at): an id alone can come back after a rolled-back transaction or a
# restored backup, with another model behind it.
_cache: OrderedDict[tuple[int, datetime], IntentModel] = OrderedDict()
_lock = threading.Lock()


def intent_model_active(*, workspace_id: int) -> IntentModel | None:
    """The workspace's active model, or None before the first training.

    One small query finds the active version's id; the artifact is read and unpickled only the
    first time a process meets that id. A newly activated version has a new id, so the swap is
    seen on the next message without any invalidation.
    """
    key = (
        IntentModelVersion.objects.filter(workspace_id=workspace_id, active=True)
        .values_list("pk", "created_at")
        .first()
    )
    if key is None:
        return None
    with _lock:
        model = _cache.get(key)
        if model is not None:
            _cache.move_to_end(key)
            return model
    artifact = IntentModelVersion.objects.values_list("artifact", flat=True).get(pk=key[0])
    try:
        model = IntentModel.from_bytes(bytes(artifact))
    except IncompatibleModelError:
        # Written by another release; the bot answers from search until it is retrained.
        return None
    with _lock:
        _cache[key] = model
        while len(_cache) > CACHED_MODELS:
            _cache.popitem(last=False)
    return model

"""Reading a workspace's active intent model, cached by version."""

from __future__ import annotations

import threading
from collections import OrderedDict

from parley.bot.intent.model import IncompatibleModelError, IntentModel
from parley.bot.models import IntentModelVersion

CACHED_MODELS = 32

_cache: OrderedDict[int, IntentModel] = OrderedDict()
_lock = threading.Lock()


def intent_model_active(*, workspace_id: int) -> IntentModel | None:
    """The workspace's active model, or None before the first training.

    One small query finds the active version's id; the artifact is read and unpickled only the
    first time a process meets that id. A newly activated version has a new id, so the swap is
    seen on the next message without any invalidation.
    """
    version_id = (
        IntentModelVersion.objects.filter(workspace_id=workspace_id, active=True)
        .values_list("pk", flat=True)
        .first()
    )
    if version_id is None:
        return None
    with _lock:
        model = _cache.get(version_id)
        if model is not None:
            _cache.move_to_end(version_id)
            return model
    artifact = IntentModelVersion.objects.values_list("artifact", flat=True).get(pk=version_id)
    try:
        model = IntentModel.from_bytes(bytes(artifact))
    except IncompatibleModelError:
        # Written by another release; the bot answers from search until it is retrained.
        return None
    with _lock:
        _cache[version_id] = model
        while len(_cache) > CACHED_MODELS:
            _cache.popitem(last=False)
    return model

"""Load what the first message of a process would otherwise load, before it is served.

The send path reaches modules it imports late (bot, automation, routing, tickets,
notifications: they build on conversations, so conversations cannot import them at load
time) and data read on first use (the URLconf, jieba's dictionary for the search index, the
phone-number tables of PII masking). Loaded on the first message, they stalled it for
seconds — scikit-learn alone, imported by the bot's intent model, took over 5 s on a loaded
machine — and every message queued behind it (docs/benchmarks.md). In production
(``PARLEY_WARM_UP``) the ASGI application calls ``warm_up`` when it is imported, so each web
process pays this once as it starts.
"""

from __future__ import annotations

import importlib
import logging
import time

logger = logging.getLogger(__name__)

# Imported inside the send path's functions (see parley/conversations/services/).
LATE_IMPORTS = (
    "parley.automation.hooks",
    "parley.bot.conversation.turn",
    "parley.routing.tasks",
    "parley.routing.selectors",
    "parley.tickets.selectors",
    "parley.tickets.services",
    "parley.tickets.sla.tracking",
    "parley.notifications.services",
)
SAMPLE = "您好，我的订单 12345 还没到，请回电 13800138000 or mail me at someone@example.com"


def warm_up() -> float:
    """Import the send path's late imports and read its lazily loaded data; returns seconds."""
    from django.conf import settings

    from parley.conversations.search_text import index_words
    from parley.privacy.mask import mask_text

    began = time.monotonic()
    # The URLconf first, as the first HTTP request would: it imports every app's API, in an
    # order that also suits the modules below.
    for name in (settings.ROOT_URLCONF, *LATE_IMPORTS):
        try:
            importlib.import_module(name)
        except ImportError:  # a module renamed elsewhere must not stop the server
            logger.warning("warm-up could not import %s", name, exc_info=True)
    index_words(mask_text(SAMPLE))
    return time.monotonic() - began

"""Health and readiness for load balancers and orchestrators, and the demo page."""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

READY_TIMEOUT = 2.0


async def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering. Touches nothing else, so it stays cheap."""
    return JsonResponse({"status": "ok"})


def _database_answers() -> None:
    # A fresh connection each time, closed after: a pooled thread keeping a connection the
    # server has since dropped would report the database down forever. With the connection
    # pool, a connection the server dropped while it sat idle in the pool can still be handed
    # out once; closing it discards it, so one more try tells a restarted database (answers
    # now) from one that is down (fails twice).
    for attempt in (1, 2):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            return
        except OperationalError:
            if attempt == 2:
                raise
        finally:
            connection.close()


async def _channel_layer_answers() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "readyz.ping"})
    message = await layer.receive(channel)
    if message.get("type") != "readyz.ping":
        raise RuntimeError("the channel layer returned something else")


async def readyz(request: HttpRequest) -> JsonResponse:
    """200 only when the database and the channel layer both answer; else 503 naming which."""
    checks = {
        "database": sync_to_async(_database_answers, thread_sensitive=False)(),
        "channel_layer": _channel_layer_answers(),
    }
    failing: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check, timeout=READY_TIMEOUT)
        except Exception as exc:
            logger.warning("readiness check %s failed: %r", name, exc, exc_info=True)
            failing[name] = type(exc).__name__
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing}, status=503)
    return JsonResponse({"status": "ready"})


def demo_page(request: HttpRequest) -> HttpResponse:
    return render(request, "ops/demo.html", {"demo": settings.PARLEY_DEMO})

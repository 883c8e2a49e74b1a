"""Background jobs of notifications: take ids, call one service. A temporary SMTP failure is
retried with exponential backoff (30 s, 60 s, … up to an hour, jittered), eight times."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from celery.exceptions import Retry
from celery.utils.time import get_exponential_backoff_interval

from parley.notifications import services

RETRY_BASE = 30
RETRY_MAX = 3600


@shared_task(bind=True, ignore_result=True, max_retries=8)
def deliver_email(self: Task[Any, Any], conversation_id: int, event_key: str) -> Retry | None:
    try:
        services.email_deliver(conversation_id=conversation_id, event_key=event_key)
    except services.TemporaryDeliveryError as exc:
        countdown = get_exponential_backoff_interval(
            factor=RETRY_BASE, retries=self.request.retries, maximum=RETRY_MAX, full_jitter=True
        )
        # throw=False: an eager job (the embedded mode, tests) retries in place on the returned
        # Retry, where a thrown one would only propagate. Past max_retries it raises `exc`.
        return self.retry(exc=exc, countdown=countdown, throw=False)
    return None

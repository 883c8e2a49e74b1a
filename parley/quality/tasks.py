"""Background jobs of quality review. They only load and call a service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from parley.quality.services import review_sample_all


@shared_task(ignore_result=True)
def sample_weekly_reviews() -> int:
    """Periodic (hourly): queue each workspace's sample of its previous week, once."""
    return review_sample_all(now=timezone.now())

"""Background jobs of tickets. They only load and call a service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from parley.tickets.services import tickets_close_solved


@shared_task(ignore_result=True)
def close_solved_tickets() -> int:
    """Periodic (every few minutes): close solved tickets whose reopen window has passed."""
    return tickets_close_solved(now=timezone.now())

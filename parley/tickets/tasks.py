"""Background jobs of tickets. They only load and call a service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from parley.tickets.services import tickets_close_solved
from parley.tickets.sla.timers import sla_timers_check


@shared_task(ignore_result=True)
def close_solved_tickets() -> int:
    """Periodic (every few minutes): close solved tickets whose reopen window has passed."""
    return tickets_close_solved(now=timezone.now())


@shared_task(ignore_result=True)
def check_sla_timers() -> int:
    """Periodic (every minute): record SLA warnings and breaches that came due, and notify."""
    return sla_timers_check(now=timezone.now())

"""`parley close_solved_tickets`: close solved tickets whose reopen window has passed (for cron
until the periodic scheduler runs `parley.tickets.tasks.close_solved_tickets`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from parley.tickets.services import tickets_close_solved


class Command(BaseCommand):
    help = "Close solved tickets whose reopen window has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        closed = tickets_close_solved(now=timezone.now())
        self.stdout.write(f"closed {closed} ticket(s)")

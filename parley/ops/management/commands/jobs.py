from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from parley.ops.schedule import PERIODIC_JOBS
from parley.ops.scheduler import run_job


class Command(BaseCommand):
    help = "List the periodic jobs, or run some now (`parley jobs run [NAME ...]`), e.g. from cron."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["list", "run"])
        parser.add_argument("names", nargs="*", help="jobs to run; all when none is named")

    def handle(self, *args: Any, action: str, names: list[str], **options: Any) -> None:
        if action == "list":
            for job in PERIODIC_JOBS:
                self.stdout.write(f"{job.name}\tevery {job.every}\t{job.task}")
            return
        known = {job.name: job for job in PERIODIC_JOBS}
        unknown = [name for name in names if name not in known]
        if unknown:
            raise CommandError(f"No such job: {', '.join(unknown)}")
        for job in [known[name] for name in names] or PERIODIC_JOBS:
            run_job(job)
            self.stdout.write(f"ran {job.name}")

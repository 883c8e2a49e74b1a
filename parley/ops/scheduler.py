"""The embedded mode's runner of periodic jobs: a daemon thread in the `parley run` process.

Production uses Celery beat instead (docs/operations.md); both read `parley.ops.schedule`.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable, Iterable

from django.db import close_old_connections

from parley.ops.schedule import PERIODIC_JOBS, PeriodicJob

log = logging.getLogger(__name__)


class JobClock:
    """Which jobs are due, on a monotonic clock in seconds. Every job is due at the start, so
    what came due while the process was down is caught up at once."""

    def __init__(self, jobs: Iterable[PeriodicJob], *, start: float) -> None:
        self._jobs = tuple(jobs)
        self._next = {job.name: start for job in self._jobs}

    def due(self, now: float) -> list[PeriodicJob]:
        return [job for job in self._jobs if self._next[job.name] <= now]

    def ran(self, job: PeriodicJob, *, at: float) -> None:
        self._next[job.name] = at + job.every.total_seconds()

    def seconds_to_next(self, now: float) -> float:
        return max(0.0, min(self._next.values(), default=now + 60) - now)


def run_job(job: PeriodicJob) -> None:
    """Run one job here and now; a failure is logged, the next run tries again."""
    from parley.celery import app

    close_old_connections()
    try:
        # A task registers when its module is imported: a worker imports them all at start;
        # this runner imports the one it needs (task names are module path + function).
        if job.task not in app.tasks:
            importlib.import_module(job.task.rpartition(".")[0])
        app.tasks[job.task].apply(throw=True)
    except Exception:
        log.exception("periodic job %s failed", job.name)
    finally:
        close_old_connections()


def run_due_jobs(
    clock: JobClock,
    *,
    now: Callable[[], float] = time.monotonic,
    run: Callable[[PeriodicJob], None] = run_job,
) -> list[str]:
    ran = []
    for job in clock.due(now()):
        run(job)
        clock.ran(job, at=now())
        ran.append(job.name)
    return ran


def start_embedded_scheduler(jobs: Iterable[PeriodicJob] = PERIODIC_JOBS) -> threading.Thread:
    clock = JobClock(jobs, start=time.monotonic())
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            run_due_jobs(clock)
            stop.wait(min(clock.seconds_to_next(time.monotonic()), 30.0))

    thread = threading.Thread(target=loop, name="parley-periodic-jobs", daemon=True)
    thread.start()
    return thread

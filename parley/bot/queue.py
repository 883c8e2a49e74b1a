"""Where a due-training job goes: a Celery worker in production, a thread here when embedded.

The embedded mode runs Celery tasks eagerly, in the request that queued them, which would
ignore the delay that lets a burst of edits train once, and keep the request waiting for the
training. So it has its own runner: one daemon thread per process that sleeps until the next
job is due and runs it (``EmbeddedTrainingRunner``). A job that finds its request pushed later
is put back for the rest of the wait, on either path.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def queue_intent_training(*, workspace_id: int, countdown: float) -> None:
    from parley.celery import app

    # An eager Celery (the embedded mode, or tests in either mode) would run the job at once,
    # and a job not yet due would queue itself again at once, over and over: use the runner.
    if settings.CELERY_TASK_ALWAYS_EAGER or app.conf.task_always_eager:
        embedded_runner().schedule(workspace_id, countdown)
        return
    from parley.bot.tasks import train_intent_model_when_due

    train_intent_model_when_due.apply_async((workspace_id,), countdown=countdown)


def _run_due(workspace_id: int) -> float:
    from parley.bot.services.intent_training import intent_training_run_due

    close_old_connections()
    try:
        return intent_training_run_due(workspace_id=workspace_id).wait
    finally:
        close_old_connections()


class EmbeddedTrainingRunner:
    """Runs ``run(workspace_id)`` when due, one job at a time, on a daemon thread. ``run``
    returns the seconds to wait before running again for that workspace (0: done)."""

    def __init__(
        self,
        run: Callable[[int], float] = _run_due,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._run = run
        self._clock = clock
        self._jobs: list[tuple[float, int]] = []
        self._busy = False
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def schedule(self, workspace_id: int, countdown: float) -> None:
        with self._changed:
            heapq.heappush(self._jobs, (self._clock() + max(countdown, 0.0), workspace_id))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="parley-bot-training", daemon=True
                )
                self._thread.start()
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """True once nothing is queued or running (for tests and an orderly shutdown)."""
        deadline = self._clock() + timeout
        with self._changed:
            while self._jobs or self._busy:
                left = deadline - self._clock()
                if left <= 0:
                    return False
                self._changed.wait(left)
            return True

    def _loop(self) -> None:
        while True:
            with self._changed:
                while not self._jobs or self._jobs[0][0] > self._clock():
                    wait = self._jobs[0][0] - self._clock() if self._jobs else None
                    self._changed.wait(wait)
                _, workspace_id = heapq.heappop(self._jobs)
                self._busy = True
            again = 0.0
            try:
                again = self._run(workspace_id)
            except Exception:
                logger.exception("training the intent model of workspace %s failed", workspace_id)
            with self._changed:
                self._busy = False
                if again > 0:
                    heapq.heappush(self._jobs, (self._clock() + again, workspace_id))
                self._changed.notify_all()


_runner: EmbeddedTrainingRunner | None = None
_runner_lock = threading.Lock()


def embedded_runner() -> EmbeddedTrainingRunner:
    global _runner
    with _runner_lock:
        if _runner is None:
            _runner = EmbeddedTrainingRunner()
        return _runner

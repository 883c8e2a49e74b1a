"""Celery app. In the embedded mode tasks run eagerly, in-process, right where they are queued;
in production a worker (`celery -A parley worker`) takes them from Redis."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from celery import Celery
from celery.signals import worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")

app = Celery("parley")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A worker has no HTTP port for a readiness probe, and `celery inspect ping` starts a whole
# Python process per check. With PARLEY_WORKER_READY_FILE set, the worker writes that file once it
# consumes tasks and removes it when it shuts down: an orchestrator's exec probe (`test -f`), or a
# script that must not start load before the worker is up (bench/servers.py), checks for it.
READY_FILE_ENV = "PARLEY_WORKER_READY_FILE"


def ready_file() -> Path | None:
    name = os.environ.get(READY_FILE_ENV, "")
    return Path(name) if name else None


@worker_ready.connect
def _write_ready_file(**_: Any) -> None:
    path = ready_file()
    if path is not None:
        path.write_text(f"{os.getpid()}\n")


@worker_shutdown.connect
def _remove_ready_file(**_: Any) -> None:
    path = ready_file()
    if path is not None:
        path.unlink(missing_ok=True)

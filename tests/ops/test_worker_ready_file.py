"""A Celery worker says when it is ready: PARLEY_WORKER_READY_FILE appears once the worker
consumes tasks and goes when it shuts down (a readiness probe for a process with no HTTP port).

Starts a real worker against the test run's Redis (CI's production pass); skipped without it. The
worker listens to a queue of its own, so it takes no task of anyone else's."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from parley.celery import READY_FILE_ENV

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a real Redis (REDIS_URL)"),
]

ROOT = Path(__file__).resolve().parents[2]
# An upper bound on a worker starting or stopping, never an expectation of speed.
TIMEOUT = 90.0


def wait_until(condition: Callable[[], bool], process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    process.kill()
    pytest.fail(f"worker did not get there in {TIMEOUT} s:\n{log.read_text(errors='replace')}")


def test_the_ready_file_exists_exactly_while_the_worker_consumes(tmp_path: Path) -> None:
    ready = tmp_path / "worker.ready"
    log = tmp_path / "worker.log"
    env = {**os.environ, READY_FILE_ENV: str(ready), "DJANGO_SETTINGS_MODULE": "parley.settings"}
    queue = f"parley-test-ready-{uuid.uuid4().hex[:8]}"
    command = [sys.executable, "-m", "celery", "-A", "parley", "worker", "--pool", "solo"]
    command += ["-Q", queue, "--without-heartbeat", "--without-gossip", "--without-mingle"]
    with log.open("wb") as out:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        assert not ready.exists()  # not before the worker has even imported the app
        wait_until(ready.exists, worker, log)
        assert ready.read_text().strip() == str(worker.pid)
        worker.send_signal(signal.SIGTERM)  # a warm shutdown, as an orchestrator stops it
        worker.wait(timeout=TIMEOUT)
        assert not ready.exists()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)

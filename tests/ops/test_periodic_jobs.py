"""Periodic jobs: one list for Celery beat and the embedded runner."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from parley.celery import app
from parley.ops.schedule import PERIODIC_JOBS, PeriodicJob
from parley.ops.scheduler import JobClock, run_due_jobs, run_job

FAST = PeriodicJob(name="fast", task="t.fast", every=timedelta(seconds=10))
SLOW = PeriodicJob(name="slow", task="t.slow", every=timedelta(minutes=5))


def test_every_listed_job_is_a_registered_task_and_in_the_beat_schedule():
    app.loader.import_default_modules()
    for job in PERIODIC_JOBS:
        assert job.task in app.tasks, job.task
        assert settings.CELERY_BEAT_SCHEDULE[job.name]["task"] == job.task


def test_every_job_runs_at_start_then_each_at_its_own_interval():
    now = [100.0]
    clock = JobClock([FAST, SLOW], start=now[0])
    ran: list[str] = []

    def tick(at: float) -> list[str]:
        now[0] = at
        return run_due_jobs(clock, now=lambda: now[0], run=lambda job: ran.append(job.name))

    assert tick(100.0) == ["fast", "slow"]
    assert tick(105.0) == []
    assert tick(110.0) == ["fast"]
    assert tick(399.0) == ["fast"]
    assert tick(400.0) == ["slow"]
    assert clock.seconds_to_next(400.0) == pytest.approx(9.0)


@pytest.mark.django_db
def test_a_failing_job_is_logged_and_does_not_stop_the_runner(caplog):
    @app.task(name="tests.failing_job")
    def failing_job() -> None:
        raise RuntimeError("boom")

    run_job(PeriodicJob(name="failing", task="tests.failing_job", every=timedelta(minutes=1)))

    assert "periodic job failing failed" in caplog.text


@pytest.mark.django_db
def test_the_jobs_command_runs_named_jobs_and_refuses_unknown_ones(capsys):
    call_command("jobs", "run", "tickets-close-solved")
    assert "ran tickets-close-solved" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No such job: nope"):
        call_command("jobs", "run", "nope")


def test_a_fresh_process_runs_every_job_by_name(tmp_path):
    """Nothing has imported the task modules in a new `parley` process; the runner must."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(PARLEY_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="parley.settings")
    env.pop("PARLEY_MODE", None)
    parley = [sys.executable, "-m", "parley.cli"]
    subprocess.run([*parley, "migrate", "-v", "0"], env=env, check=True, timeout=120)

    done = subprocess.run(
        [*parley, "jobs", "run"], env=env, capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stderr
    assert "failed" not in done.stderr, done.stderr
    assert done.stdout.split() == [word for job in PERIODIC_JOBS for word in ("ran", job.name)]

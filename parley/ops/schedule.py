"""Periodic jobs, listed once.

Production runs them with Celery beat (`celery -A parley beat`, which reads
``CELERY_BEAT_SCHEDULE`` built from this list) and a worker; the embedded mode runs them on a
thread of `parley run` (`parley.ops.scheduler`). Every job is an idempotent scan of the
database, so a restart loses nothing: the first run after it catches up with what came due.

This module imports nothing from Django: the settings read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str  # the Celery task's name: its module path and function
    every: timedelta


PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        name="tickets-close-solved",
        task="parley.tickets.tasks.close_solved_tickets",
        every=timedelta(minutes=5),
    ),
    PeriodicJob(
        name="tickets-sla-check",
        task="parley.tickets.tasks.check_sla_timers",
        every=timedelta(minutes=1),
    ),
    PeriodicJob(
        name="quality-weekly-sample",
        task="parley.quality.tasks.sample_weekly_reviews",
        every=timedelta(hours=1),
    ),
    PeriodicJob(
        name="analytics-fill-rollups",
        task="parley.analytics.tasks.fill_rollups",
        every=timedelta(minutes=1),
    ),
    PeriodicJob(
        name="analytics-evaluate-alerts",
        task="parley.analytics.tasks.evaluate_alerts",
        every=timedelta(minutes=1),
    ),
    PeriodicJob(
        name="analytics-sentiment-score",
        task="parley.analytics.sentiment.tasks.score_messages",
        every=timedelta(seconds=20),
    ),
    PeriodicJob(
        name="analytics-email-reports",
        task="parley.analytics.tasks.send_email_reports",
        every=timedelta(hours=1),
    ),
    PeriodicJob(
        name="privacy-apply-retention",
        task="parley.compliance.tasks.apply_retention",
        every=timedelta(hours=6),
    ),
    PeriodicJob(
        name="analytics-contact-profiles",
        task="parley.analytics.customers.tasks.refresh_contact_profiles",
        every=timedelta(hours=6),
    ),
    PeriodicJob(
        name="analytics-train-churn",
        task="parley.analytics.customers.tasks.train_churn_models",
        every=timedelta(days=7),
    ),
    PeriodicJob(
        name="analytics-mining-snapshots",
        task="parley.analytics.tasks.refresh_due_mining_snapshots",
        every=timedelta(hours=1),
    ),
    PeriodicJob(
        name="bot-train-due-intent-models",
        task="parley.bot.tasks.train_due_intent_models",
        every=timedelta(minutes=1),
    ),
)


def beat_schedule(jobs: tuple[PeriodicJob, ...] = PERIODIC_JOBS) -> dict[str, dict[str, Any]]:
    return {job.name: {"task": job.task, "schedule": job.every.total_seconds()} for job in jobs}

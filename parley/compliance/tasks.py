"""Celery tasks of privacy: load and call a service."""

from __future__ import annotations

from celery import shared_task

from parley.compliance.retention import retention_run_all


@shared_task(ignore_result=True)
def apply_retention() -> int:
    """The periodic retention job (parley/ops/schedule.py): how many workspaces ran."""
    return len(retention_run_all())

"""Celery app. In the embedded mode tasks run eagerly, in-process, right where they are queued;
in production a worker (`celery -A parley worker`) takes them from Redis."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")

app = Celery("parley")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""Parley, an open-source online customer-service platform."""

from parley.celery import app as celery_app

__all__ = ["celery_app"]

"""Background jobs of accounts: take ids, call one service."""

from __future__ import annotations

from celery import shared_task

from parley.accounts.auth.password_reset import password_reset_send


@shared_task(ignore_result=True, max_retries=3, autoretry_for=(OSError,), retry_backoff=30)
def send_password_reset(user_id: int, locale: str) -> None:
    password_reset_send(user_id=user_id, locale=locale)

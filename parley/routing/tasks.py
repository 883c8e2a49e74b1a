"""Background jobs of routing. They take ids and call one service (in-process, right after
commit, in the embedded mode; on a Celery worker in production)."""

from __future__ import annotations

from celery import shared_task

from parley.accounts.models import Member
from parley.routing import services


@shared_task(ignore_result=True)
def route_inbox(inbox_id: int) -> None:
    services.route_inbox(inbox_id=inbox_id)


@shared_task(ignore_result=True)
def route_member_inboxes(member_id: int) -> None:
    member = Member.objects.filter(pk=member_id, is_active=True).first()
    if member is not None:
        services.route_member_inboxes(member=member)

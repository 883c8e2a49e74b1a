"""Background jobs of routing. They take ids and call one service (in-process, right after
commit, in the embedded mode; on a Celery worker in production).

Asking for a pass is coalesced: many asks for the same inbox (or member) before its pass
starts queue one job. A "pending" flag is set with the job (cache `add`, Redis `SET NX` with
an expiry) and the job clears it as it starts, before it reads anything, so an ask that comes
while a pass runs queues the next pass, and an ask that finds the flag set is seen by the
pass still waiting to start (the ask's transaction committed before it looked). The expiry
only bounds how long a job that never ran (a lost publish) could hold asks back.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.core.cache import cache

from parley.accounts.models import Member
from parley.routing import services

# Seconds a pending flag lives at most. A worker further behind than this gets a second job
# for the inbox (one pass more, harmless); a job lost on the way holds asks back this long.
PENDING_SECONDS = 30


@shared_task(ignore_result=True)
def route_inbox(inbox_id: int) -> None:
    cache.delete(_pending_key("inbox", inbox_id))  # first: a later ask queues another pass
    services.route_inbox(inbox_id=inbox_id)


@shared_task(ignore_result=True)
def route_member_inboxes(member_id: int) -> None:
    cache.delete(_pending_key("member", member_id))
    member = Member.objects.filter(pk=member_id, is_active=True).first()
    if member is not None:
        services.route_member_inboxes(member=member)


def request_route_inbox(inbox_id: int) -> None:
    """A change that may matter to the inbox's queue has committed: have it routed."""
    _queue_once(route_inbox, "inbox", inbox_id)


def request_route_member_inboxes(member_id: int) -> None:
    """The member may take work now (a console opened, capacity changed): look at their queues."""
    _queue_once(route_member_inboxes, "member", member_id)


def _pending_key(kind: str, object_id: int) -> str:
    return f"routing:pending:{kind}:{object_id}"


def _queue_once(task: Any, kind: str, object_id: int) -> None:
    if task.app.conf.task_always_eager:
        # The embedded mode: the pass runs here and now, so there is nothing to coalesce.
        task.delay(object_id)
        return
    key = _pending_key(kind, object_id)
    if not cache.add(key, 1, timeout=PENDING_SECONDS):
        return  # a job is queued that has not started yet: it will see this change
    try:
        task.delay(object_id)
    except BaseException:
        cache.delete(key)  # nothing was queued: the next ask must queue it
        raise

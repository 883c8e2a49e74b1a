"""Who may do what to a conversation. One place, so REST and sockets agree.

The full role × action matrix is in docs/permissions.md.
"""

from __future__ import annotations

from parley.accounts.models import Member
from parley.conversations.models import Conversation


def is_supervising(member: Member) -> bool:
    return member.is_supervising


def can_assign(*, actor: Member, conversation: Conversation, assignee: Member | None) -> bool:
    """Supervisors assign anyone. An agent may take an unassigned conversation or let go of
    their own, but not give work to or take it from someone else."""
    if is_supervising(actor):
        return True
    mine_or_free = conversation.assignee_id in (None, actor.pk)
    to_self_or_nobody = assignee is None or assignee.pk == actor.pk
    return mine_or_free and to_self_or_nobody


def can_change_status(*, actor: Member, conversation: Conversation) -> bool:
    """Agents change the status of conversations that are theirs or nobody's."""
    return is_supervising(actor) or conversation.assignee_id in (None, actor.pk)

"""The calls the conversation and ticket services make, explicitly, when something happened
that rules may react to. Each runs inside the caller's transaction on the conversation it has
locked; none ever raises into the caller: a broken rule must not lose a customer's message or
undo a member's change.

Events:

- ``conversation_created``: once per conversation, when its first customer message is stored
  (so "message contains" conditions see the text); runs before ``message_created``.
- ``message_created``: every customer message, the first one included.
- ``conversation_updated``: a member changed the status, priority, assignee, team or tags.
"""

from __future__ import annotations

import logging
import uuid

from django.db import transaction
from django.db.models import OuterRef, QuerySet

from parley.automation.engine import chain_running, run_rules
from parley.automation.models import Event, Rule
from parley.conversations.models import Conversation, Message, SenderType

logger = logging.getLogger(__name__)


def customer_message_rules(*, workspace_id: int | OuterRef) -> QuerySet[Rule]:
    """The rules a customer's message may run, in order. ``workspace_id`` may be an
    ``OuterRef``: the widget's send asks whether there are any within its locking query."""
    return Rule.objects.filter(
        workspace_id=workspace_id,
        active=True,
        event__in=[Event.CONVERSATION_CREATED, Event.MESSAGE_CREATED],
    ).order_by("position", "pk")


def automation_after_customer_message(
    *, conversation: Conversation, message: Message, rules_exist: bool = True
) -> None:
    """``rules_exist=False``: the caller read in this transaction that the workspace has no
    ``customer_message_rules`` (most have none), which saves reading them on every message."""
    if chain_running() or conversation.spam or not rules_exist:
        return
    rules = list(customer_message_rules(workspace_id=conversation.workspace_id))
    if not rules:
        return
    created = [r for r in rules if r.event == Event.CONVERSATION_CREATED]
    if created and _is_first_customer_message(conversation, message):
        _run(conversation, created, Event.CONVERSATION_CREATED, "created", message)
    if conversation.spam:  # a conversation_created rule has just marked it
        return
    on_message = [r for r in rules if r.event == Event.MESSAGE_CREATED]
    _run(conversation, on_message, Event.MESSAGE_CREATED, f"message:{message.pk}", message)


def automation_after_update(*, conversation: Conversation, changed: list[str]) -> None:
    """``changed`` names what the member changed; every update is its own event instance."""
    if chain_running() or conversation.spam or not changed:
        return
    rules = list(
        Rule.objects.filter(
            workspace_id=conversation.workspace_id,
            active=True,
            event=Event.CONVERSATION_UPDATED,
        ).order_by("position", "pk")
    )
    _run(conversation, rules, Event.CONVERSATION_UPDATED, f"update:{uuid.uuid4().hex}", None)


def automation_after_sentiment(*, conversation: Conversation, event_key: str) -> None:
    """The scoring job found the conversation turned negative (parley/analytics/sentiment):
    the "conversation updated" rules run, with ``sentiment`` conditions able to tell this
    event (``turned_negative``) from a member's change. Runs on the conversation row locked."""
    if chain_running():
        return
    rules = list(
        Rule.objects.filter(
            workspace_id=conversation.workspace_id,
            active=True,
            event=Event.CONVERSATION_UPDATED,
        ).order_by("position", "pk")
    )
    if not rules:
        return
    locked = (
        Conversation.objects.select_for_update()
        .select_related("inbox", "contact")
        .filter(pk=conversation.pk, spam=False)
        .first()
    )
    if locked is not None:
        _run(locked, rules, Event.CONVERSATION_UPDATED, event_key, None)


def _is_first_customer_message(conversation: Conversation, message: Message) -> bool:
    return not (
        Message.objects.filter(conversation=conversation, sender_type=SenderType.CONTACT)
        .exclude(pk=message.pk)
        .exists()
    )


def _run(
    conversation: Conversation,
    rules: list[Rule],
    event: str,
    event_key: str,
    message: Message | None,
) -> None:
    if not rules:
        return
    try:
        with transaction.atomic():
            run_rules(
                conversation=conversation,
                rules=rules,
                event=event,
                event_key=event_key,
                message=message,
            )
    except Exception:  # the caller's change stands whatever a rule does
        logger.exception(
            "automation rules for %s on conversation %s failed", event, conversation.pk
        )
        conversation.refresh_from_db()

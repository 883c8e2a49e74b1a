"""Running a workspace's rules for one event on one conversation.

Rules run in order of position; each whose conditions hold applies its actions and is logged
(`RuleRun`); one marked "stop processing" ends the chain. The chain runs inside the caller's
transaction, on the conversation the caller has locked, so a message marked as spam is never
routed first; fan-out and routing still happen after commit (the effects save through
`save_state`).

Loop safety: while a chain runs, the hooks ignore every change it makes (a context variable),
so an action never starts another chain; a rule fires at most once per conversation and event
instance (a unique constraint on the log); and a chain applies at most
`MAX_ACTIONS_PER_CHAIN` actions. One action failing is logged and undone alone (a savepoint):
the customer's message and the other actions stay.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from parley.automation.conditions import Facts, conditions_hold
from parley.automation.effects import ByRule, Skipped, apply_rule_action
from parley.automation.models import Rule, RuleRun
from parley.conversations.models import Conversation, Message
from parley.errors import ApplicationError

logger = logging.getLogger(__name__)

MAX_ACTIONS_PER_CHAIN = 25


@dataclass
class Chain:
    actions_left: int


_chain: ContextVar[Chain | None] = ContextVar("parley_automation_chain", default=None)


def chain_running() -> bool:
    return _chain.get() is not None


@contextmanager
def _running_chain() -> Iterator[Chain]:
    chain = Chain(actions_left=MAX_ACTIONS_PER_CHAIN)
    token = _chain.set(chain)
    try:
        yield chain
    finally:
        _chain.reset(token)


def run_rules(
    *,
    conversation: Conversation,
    rules: list[Rule],
    event: str,
    event_key: str,
    message: Message | None = None,
) -> list[RuleRun]:
    """Apply ``rules`` (active, of this event, in order) to the locked ``conversation``."""
    if chain_running() or not rules:
        return []
    runs: list[RuleRun] = []
    with _running_chain() as chain:
        facts = Facts(
            conversation=conversation, message=message, now=timezone.now(), event_key=event_key
        )
        done = set(
            RuleRun.objects.filter(
                conversation=conversation, event_key=event_key, rule__in=rules
            ).values_list("rule_id", flat=True)
        )
        for rule in rules:
            if rule.pk in done:
                continue
            if not conditions_hold(match=rule.match, conditions=rule.conditions, facts=facts):
                continue
            results = [_apply(conversation, action, rule, facts, chain) for action in rule.actions]
            runs.append(
                RuleRun.objects.create(
                    workspace_id=conversation.workspace_id,
                    rule=rule,
                    conversation=conversation,
                    event=event,
                    event_key=event_key,
                    results=results,
                )
            )
            if rule.stop_processing:
                break
    return runs


def _apply(
    conversation: Conversation, action: dict[str, Any], rule: Rule, facts: Facts, chain: Chain
) -> dict[str, Any]:
    kind = action.get("type", "?")
    if chain.actions_left <= 0:
        return {"type": kind, "outcome": "skipped", "detail": "action limit of the chain reached"}
    chain.actions_left -= 1
    try:
        with transaction.atomic():
            detail = apply_rule_action(
                conversation, action, ByRule(rule_id=rule.pk, name=rule.name)
            )
    except Skipped as skipped:
        return {"type": kind, "outcome": "skipped", "detail": str(skipped)}
    except (ApplicationError, LookupError, ValueError, KeyError) as failure:
        _forget_changes(conversation, facts)
        detail = failure.detail if isinstance(failure, ApplicationError) else str(failure)
        return {"type": kind, "outcome": "failed", "detail": detail}
    except Exception:  # one broken action must not lose the customer's message
        logger.exception("automation action %s of rule %s failed", kind, rule.pk)
        _forget_changes(conversation, facts)
        return {"type": kind, "outcome": "failed", "detail": "internal error"}
    if kind == "add_tag":
        facts.forget_tags()
    return {"type": kind, "outcome": "applied", "detail": detail}


def _forget_changes(conversation: Conversation, facts: Facts) -> None:
    """The savepoint undid the action in the database; undo it in memory too, so nothing later
    saves a half-made change."""
    conversation.refresh_from_db()
    facts.forget_tags()

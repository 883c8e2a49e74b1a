"""The JSON shapes of rules, their log and macros, as the API returns them."""

from __future__ import annotations

from typing import Any, TypedDict

from parley.accounts.models import Member
from parley.automation.models import Macro, MacroScope, Rule, RuleRun


class RulePayload(TypedDict):
    id: int
    name: str
    event: str
    match: str
    conditions: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    position: int
    active: bool
    stop_processing: bool
    updated_at: str


class RuleRunPayload(TypedDict):
    id: int
    conversation: int
    event: str
    results: list[dict[str, Any]]
    at: str


class MacroPayload(TypedDict):
    id: int
    name: str
    scope: str
    owner: int | None
    actions: list[dict[str, Any]]
    editable: bool


def rule_payload(rule: Rule) -> RulePayload:
    return {
        "id": rule.pk,
        "name": rule.name,
        "event": rule.event,
        "match": rule.match,
        "conditions": rule.conditions,
        "actions": rule.actions,
        "position": rule.position,
        "active": rule.active,
        "stop_processing": rule.stop_processing,
        "updated_at": rule.updated_at.isoformat(),
    }


def rule_run_payload(run: RuleRun) -> RuleRunPayload:
    return {
        "id": run.pk,
        "conversation": run.conversation_id,
        "event": run.event,
        "results": run.results,
        "at": run.at.isoformat(),
    }


def macro_payload(macro: Macro, *, viewer: Member) -> MacroPayload:
    editable = (
        viewer.is_supervising if macro.scope == MacroScope.SHARED else macro.owner_id == viewer.pk
    )
    return {
        "id": macro.pk,
        "name": macro.name,
        "scope": macro.scope,
        "owner": macro.owner_id,
        "actions": macro.actions,
        "editable": editable,
    }

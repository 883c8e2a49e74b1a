"""Managing rules (owners and admins) and macros (supervisors and up share them; anyone keeps
personal ones). Every input is checked by `schema.py` before anything is stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max

from parley.accounts.models import Member, Role
from parley.accounts.services import audit_record
from parley.automation import schema
from parley.automation.models import Event, Macro, MacroScope, Match, Rule
from parley.errors import ApplicationError, ErrorCode

NAME_MAX = 120


def require_rule_manager(member: Member) -> None:
    if member.role not in (Role.OWNER, Role.ADMIN):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Only owners and admins manage automation rules."
        )


def _name(value: str) -> str:
    name = " ".join(value.split())
    if not name or len(name) > NAME_MAX:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"A name is 1 to {NAME_MAX} characters.",
            fields={"name": f"1 to {NAME_MAX} characters"},
        )
    return name


@dataclass(frozen=True)
class RuleInput:
    name: str
    event: str
    conditions: Any
    actions: Any
    match: str = Match.ALL
    active: bool = True
    stop_processing: bool = False


def _clean_rule(workspace_id: int, data: RuleInput) -> dict[str, Any]:
    if data.event not in Event.values:
        raise ApplicationError(
            ErrorCode.INVALID, "Unknown event.", fields={"event": "one of " + ", ".join(Event)}
        )
    if data.match not in Match.values:
        raise ApplicationError(ErrorCode.INVALID, "Unknown match.", fields={"match": "all or any"})
    return {
        "name": _name(data.name),
        "event": data.event,
        "match": data.match,
        "conditions": schema.clean_conditions(workspace_id=workspace_id, raw=data.conditions),
        "actions": schema.clean_actions(
            workspace_id=workspace_id, raw=data.actions, allowed=schema.RULE_ACTIONS
        ),
        "active": bool(data.active),
        "stop_processing": bool(data.stop_processing),
    }


@transaction.atomic
def rule_create(*, actor: Member, data: RuleInput) -> Rule:
    require_rule_manager(actor)
    values = _clean_rule(actor.workspace_id, data)
    last = Rule.objects.filter(workspace_id=actor.workspace_id).aggregate(top=Max("position"))
    rule = Rule.objects.create(
        workspace_id=actor.workspace_id,
        created_by=actor,
        position=(last["top"] + 1) if last["top"] is not None else 0,
        **values,
    )
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="automation.rule_created",
        target=rule,
        data={"name": rule.name, "event": rule.event},
    )
    return rule


@transaction.atomic
def rule_update(*, actor: Member, rule: Rule, data: RuleInput) -> Rule:
    require_rule_manager(actor)
    if rule.workspace_id != actor.workspace_id:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such rule.")
    for field, value in _clean_rule(actor.workspace_id, data).items():
        setattr(rule, field, value)
    rule.save()
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="automation.rule_updated",
        target=rule,
        data={"name": rule.name, "active": rule.active},
    )
    return rule


@transaction.atomic
def rule_delete(*, actor: Member, rule: Rule) -> None:
    require_rule_manager(actor)
    if rule.workspace_id != actor.workspace_id:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such rule.")
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="automation.rule_deleted",
        target=rule,
        data={"name": rule.name},
    )
    rule.delete()


@transaction.atomic
def rules_reorder(*, actor: Member, order: list[int]) -> list[Rule]:
    """``order`` lists every rule of the workspace once, first to be evaluated first."""
    require_rule_manager(actor)
    rules = {r.pk: r for r in Rule.objects.select_for_update().filter(workspace=actor.workspace)}
    if len(order) != len(set(order)) or set(order) != set(rules):
        raise ApplicationError(
            ErrorCode.INVALID,
            "Name every rule of the workspace exactly once.",
            fields={"order": "every rule id once"},
        )
    for position, rule_id in enumerate(order):
        rules[rule_id].position = position
    Rule.objects.bulk_update(list(rules.values()), ["position"])
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="automation.rules_reordered",
        target=actor.workspace,
        data={"order": order},
    )
    return [rules[i] for i in order]


# --- macros ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MacroInput:
    name: str
    scope: str
    actions: Any


def _check_may_manage_macro(member: Member, scope: str, owner_id: int | None) -> None:
    if scope == MacroScope.SHARED:
        if not member.is_supervising:
            raise ApplicationError(
                ErrorCode.PERMISSION_DENIED, "Only supervisors and admins manage shared macros."
            )
    elif owner_id is not None and owner_id != member.pk:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such macro.")


def _clean_macro(member: Member, data: MacroInput) -> dict[str, Any]:
    if data.scope not in MacroScope.values:
        raise ApplicationError(
            ErrorCode.INVALID, "Unknown scope.", fields={"scope": "shared or personal"}
        )
    personal = data.scope == MacroScope.PERSONAL
    return {
        "name": _name(data.name),
        "scope": data.scope,
        "owner": member if personal else None,
        "actions": schema.clean_actions(
            workspace_id=member.workspace_id,
            raw=data.actions,
            allowed=schema.MACRO_ACTIONS,
            owner=member if personal else None,
        ),
    }


@transaction.atomic
def macro_create(*, actor: Member, data: MacroInput) -> Macro:
    _check_may_manage_macro(actor, data.scope, None)
    macro = Macro.objects.create(
        workspace_id=actor.workspace_id, created_by=actor, **_clean_macro(actor, data)
    )
    if macro.scope == MacroScope.SHARED:
        audit_record(
            workspace=actor.workspace,
            actor=actor,
            action="automation.macro_created",
            target=macro,
            data={"name": macro.name},
        )
    return macro


@transaction.atomic
def macro_update(*, actor: Member, macro: Macro, data: MacroInput) -> Macro:
    _check_may_manage_macro(actor, macro.scope, macro.owner_id)
    _check_may_manage_macro(actor, data.scope, None)
    was_shared = macro.scope == MacroScope.SHARED
    for field, value in _clean_macro(actor, data).items():
        setattr(macro, field, value)
    macro.save()
    if was_shared or macro.scope == MacroScope.SHARED:
        audit_record(
            workspace=actor.workspace,
            actor=actor,
            action="automation.macro_updated",
            target=macro,
            data={"name": macro.name, "scope": macro.scope},
        )
    return macro


@transaction.atomic
def macro_delete(*, actor: Member, macro: Macro) -> None:
    _check_may_manage_macro(actor, macro.scope, macro.owner_id)
    if macro.scope == MacroScope.SHARED:
        audit_record(
            workspace=actor.workspace,
            actor=actor,
            action="automation.macro_deleted",
            target=macro,
            data={"name": macro.name},
        )
    macro.delete()

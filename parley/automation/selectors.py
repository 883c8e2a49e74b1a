"""Reads for automation: rules, their log, macros a member may see and use."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from parley.accounts.models import Member
from parley.automation.models import Macro, MacroScope, Rule, RuleRun
from parley.errors import ApplicationError, ErrorCode
from parley.tickets.models import Tag

RULE_LOG_LIMIT = 100


def rule_list(*, workspace_id: int) -> QuerySet[Rule]:
    return Rule.objects.filter(workspace_id=workspace_id).order_by("position", "pk")


def rule_get(*, workspace_id: int, rule_id: int) -> Rule:
    rule = rule_list(workspace_id=workspace_id).filter(pk=rule_id).first()
    if rule is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such rule.")
    return rule


def rules_for_event(*, workspace_id: int, event: str) -> list[Rule]:
    return list(
        Rule.objects.filter(workspace_id=workspace_id, event=event, active=True).order_by(
            "position", "pk"
        )
    )


def rule_runs(*, rule: Rule, limit: int = RULE_LOG_LIMIT) -> QuerySet[RuleRun]:
    return RuleRun.objects.filter(rule=rule).order_by("-at", "-pk")[:limit]


def conversation_tag_names(*, conversation_id: int) -> list[str]:
    """The tags of the conversation's ticket; a plain chat has none."""
    return list(Tag.objects.filter(tickets=conversation_id).values_list("name", flat=True))


def macro_visible(*, member: Member) -> QuerySet[Macro]:
    """Shared macros and the member's own personal ones."""
    return (
        Macro.objects.filter(workspace_id=member.workspace_id)
        .filter(Q(scope=MacroScope.SHARED) | Q(scope=MacroScope.PERSONAL, owner=member))
        .order_by("name", "pk")
    )


def macro_get(*, member: Member, macro_id: int) -> Macro:
    macro = macro_visible(member=member).filter(pk=macro_id).first()
    if macro is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such macro.")
    return macro

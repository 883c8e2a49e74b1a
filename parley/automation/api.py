"""REST API for automation rules, their log, macros, and applying a macro to a conversation.

Condition and action lists are passed through as JSON and checked by the services
(`schema.py`), which answer with field errors such as ``actions[0].team``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from parley.api_base import WorkspaceAPIView
from parley.automation import selectors, services
from parley.automation.macro_apply import macro_apply
from parley.automation.models import Event, Macro, MacroScope, Match, Rule
from parley.automation.payloads import macro_payload, rule_payload, rule_run_payload
from parley.conversations.payloads import conversation_payload
from parley.conversations.selectors import conversation_for_member


class RuleIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    event = serializers.ChoiceField(choices=Event.values)
    match = serializers.ChoiceField(choices=Match.values, required=False)
    conditions = serializers.JSONField(required=False)
    actions = serializers.JSONField()
    active = serializers.BooleanField(required=False)
    stop_processing = serializers.BooleanField(required=False)


def _rule_input(request: Request, current: Rule | None = None) -> services.RuleInput:
    """On PATCH (``current`` given) an omitted field keeps its value."""
    data = RuleIn(data=request.data, partial=current is not None)
    data.is_valid(raise_exception=True)
    values: dict[str, Any] = data.validated_data

    def pick(name: str, default: Any) -> Any:
        return values.get(name, getattr(current, name) if current is not None else default)

    return services.RuleInput(
        name=pick("name", ""),
        event=pick("event", ""),
        match=pick("match", Match.ALL),
        conditions=pick("conditions", []),
        actions=pick("actions", []),
        active=pick("active", True),
        stop_processing=pick("stop_processing", False),
    )


class RuleListView(WorkspaceAPIView):
    @extend_schema(operation_id="automation_rules_list", responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        services.require_rule_manager(self.member)
        rules = selectors.rule_list(workspace_id=self.member.workspace_id)
        return Response([rule_payload(r) for r in rules])

    @extend_schema(request=RuleIn, responses=None)
    def post(self, request: Request, workspace: str) -> Response:
        rule = services.rule_create(actor=self.member, data=_rule_input(request))
        return Response(rule_payload(rule), status=status.HTTP_201_CREATED)


class RuleDetailView(WorkspaceAPIView):
    def _rule(self, rule_id: int) -> Rule:
        services.require_rule_manager(self.member)
        return selectors.rule_get(workspace_id=self.member.workspace_id, rule_id=rule_id)

    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str, rule_id: int) -> Response:
        return Response(rule_payload(self._rule(rule_id)))

    @extend_schema(request=RuleIn, responses=None)
    def patch(self, request: Request, workspace: str, rule_id: int) -> Response:
        rule = self._rule(rule_id)
        updated = services.rule_update(
            actor=self.member, rule=rule, data=_rule_input(request, current=rule)
        )
        return Response(rule_payload(updated))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace: str, rule_id: int) -> Response:
        services.rule_delete(actor=self.member, rule=self._rule(rule_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RuleReorderIn(serializers.Serializer):
    order = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)


class RuleReorderView(WorkspaceAPIView):
    @extend_schema(request=RuleReorderIn, responses=None)
    def post(self, request: Request, workspace: str) -> Response:
        data = RuleReorderIn(data=request.data)
        data.is_valid(raise_exception=True)
        rules = services.rules_reorder(actor=self.member, order=data.validated_data["order"])
        return Response([rule_payload(r) for r in rules])


class RuleRunListView(WorkspaceAPIView):
    """The rule log: its latest firings, newest first."""

    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str, rule_id: int) -> Response:
        services.require_rule_manager(self.member)
        rule = selectors.rule_get(workspace_id=self.member.workspace_id, rule_id=rule_id)
        return Response([rule_run_payload(run) for run in selectors.rule_runs(rule=rule)])


class MacroIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    scope = serializers.ChoiceField(choices=MacroScope.values, required=False)
    actions = serializers.JSONField()


def _macro_input(request: Request, current: Macro | None = None) -> services.MacroInput:
    data = MacroIn(data=request.data, partial=current is not None)
    data.is_valid(raise_exception=True)
    values: dict[str, Any] = data.validated_data
    return services.MacroInput(
        name=values.get("name", current.name if current else ""),
        scope=values.get("scope", current.scope if current else MacroScope.PERSONAL),
        actions=values.get("actions", current.actions if current else []),
    )


class MacroListView(WorkspaceAPIView):
    @extend_schema(operation_id="automation_macros_list", responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        macros = selectors.macro_visible(member=self.member)
        return Response([macro_payload(m, viewer=self.member) for m in macros])

    @extend_schema(request=MacroIn, responses=None)
    def post(self, request: Request, workspace: str) -> Response:
        macro = services.macro_create(actor=self.member, data=_macro_input(request))
        return Response(macro_payload(macro, viewer=self.member), status=status.HTTP_201_CREATED)


class MacroDetailView(WorkspaceAPIView):
    @extend_schema(request=MacroIn, responses=None)
    def patch(self, request: Request, workspace: str, macro_id: int) -> Response:
        macro = selectors.macro_get(member=self.member, macro_id=macro_id)
        updated = services.macro_update(
            actor=self.member, macro=macro, data=_macro_input(request, current=macro)
        )
        return Response(macro_payload(updated, viewer=self.member))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace: str, macro_id: int) -> Response:
        macro = selectors.macro_get(member=self.member, macro_id=macro_id)
        services.macro_delete(actor=self.member, macro=macro)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MacroApplyView(WorkspaceAPIView):
    @extend_schema(request=None, responses=None)
    def post(
        self, request: Request, workspace: str, conversation_id: int, macro_id: int
    ) -> Response:
        conversation = conversation_for_member(member=self.member, conversation_id=conversation_id)
        macro = selectors.macro_get(member=self.member, macro_id=macro_id)
        result = macro_apply(macro=macro, conversation=conversation, actor=self.member)
        return Response(
            {
                "macro": macro.pk,
                "results": result.results,
                "conversation": conversation_payload(result.conversation),
            }
        )

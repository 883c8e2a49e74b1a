"""The demo workspace's example rule and macros (seeded by `parley demo`, idempotently)."""

from __future__ import annotations

from parley.accounts.models import Team, Workspace
from parley.automation.models import Event, Macro, MacroScope, Rule

REFUND_WORDS = ["refund", "退款", "退货"]


def automation_demo_seed(*, workspace: Workspace) -> None:
    # The demo's "Consulting" team answers questions after buying, refunds among them.
    consulting = Team.objects.get(workspace=workspace, name="Consulting")
    Rule.objects.get_or_create(
        workspace=workspace,
        name="退款 / Refunds → Consulting",
        defaults={
            "event": Event.CONVERSATION_CREATED,
            "conditions": [{"field": "message", "op": "contains_any", "value": REFUND_WORDS}],
            "actions": [
                {"type": "assign_team", "team": consulting.pk},
                {"type": "set_priority", "priority": "high"},
            ],
            "position": 0,
        },
    )
    macros = [
        (
            "等待客户回复 / Waiting on the customer",
            [
                {
                    "type": "send_text",
                    "text": "Could you send us your order number? 请提供订单号。",
                },
                {"type": "set_status", "status": "pending"},
            ],
        ),
        (
            "升级为紧急 / Escalate to urgent",
            [
                {"type": "set_priority", "priority": "urgent"},
                {"type": "add_note", "text": "Escalated: please look at this first."},
            ],
        ),
    ]
    for name, actions in macros:
        Macro.objects.get_or_create(
            workspace=workspace,
            name=name,
            scope=MacroScope.SHARED,
            defaults={"actions": actions},
        )

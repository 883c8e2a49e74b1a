"""A policy's targets and which policy applies to a ticket."""

from __future__ import annotations

from datetime import timedelta

from parley.tickets.sla_models import SlaMetric, SlaPolicy
from parley.tickets.status import PRIORITY_NAME


def target_of(policy: SlaPolicy, *, priority: int, metric: SlaMetric) -> timedelta | None:
    """The policy's target for a priority and metric; None when it sets none."""
    minutes = (policy.targets.get(PRIORITY_NAME[priority]) or {}).get(str(metric))
    return timedelta(minutes=minutes) if isinstance(minutes, int) and minutes > 0 else None


def warning_lead(policy: SlaPolicy, target: timedelta) -> timedelta | None:
    """How long before the due time the warning falls due: the policy's percentage of the
    target (so one setting suits a 30-minute and a 3-day target alike)."""
    if not policy.warning_percent:
        return None
    return timedelta(seconds=int(target.total_seconds() * policy.warning_percent / 100))


def policy_matches(policy: SlaPolicy, *, inbox_id: int, team_id: int | None) -> bool:
    return (policy.inbox_id is None or policy.inbox_id == inbox_id) and (
        policy.team_id is None or policy.team_id == team_id
    )


def active_policies(*, workspace_id: int) -> list[SlaPolicy]:
    return list(
        SlaPolicy.objects.filter(workspace_id=workspace_id, is_active=True).order_by(
            "position", "pk"
        )
    )


def sla_policy_choose(
    *,
    workspace_id: int,
    inbox_id: int,
    team_id: int | None,
    policies: list[SlaPolicy] | None = None,
) -> SlaPolicy | None:
    """The first active policy, in the workspace's order, whose conditions hold; a policy
    without conditions matches every ticket (the fallback, usually last). ``policies``: the
    workspace's active ones, when the caller has read them already."""
    if policies is None:
        policies = active_policies(workspace_id=workspace_id)
    for policy in policies:
        if policy_matches(policy, inbox_id=inbox_id, team_id=team_id):
            return policy
    return None

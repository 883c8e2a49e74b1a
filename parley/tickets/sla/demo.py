"""The demo workspace's SLA policy (parley/ops/demo.py seeds it; idempotent)."""

from __future__ import annotations

from parley.accounts.models import Workspace
from parley.tickets.sla_models import SlaPolicy

DEMO_POLICY = "Standard support"
DEMO_TARGETS = {
    "low": {"first_response": 8 * 60, "resolution": 5 * 24 * 60},
    "normal": {"first_response": 4 * 60, "resolution": 2 * 24 * 60},
    "high": {"first_response": 60, "resolution": 8 * 60},
    "urgent": {"first_response": 30, "resolution": 4 * 60},
}


def sla_demo_seed(*, workspace: Workspace) -> SlaPolicy:
    """One fallback policy in business hours with a warning at 20 % of the target left."""
    policy, _ = SlaPolicy.objects.get_or_create(
        workspace=workspace,
        name=DEMO_POLICY,
        defaults={"targets": DEMO_TARGETS, "business_hours": True, "warning_percent": 20},
    )
    return policy

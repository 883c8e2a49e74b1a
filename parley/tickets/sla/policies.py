"""Managing a workspace's SLA policies (admins and owners): create, change, reorder, delete.

Every change is checked before anything is written, recorded in the audit log, and moves the
clocks of the open tickets under the policy concerned (parley/tickets/sla/tracking.py). A new
policy, or a new order, applies to tickets created or changed (priority, inbox, team) after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from parley.accounts.models import Member, Role, Team
from parley.accounts.services import audit_record
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox
from parley.tickets.sla.tracking import sla_tickets_reapply, tickets_under_policy
from parley.tickets.sla_models import SlaMetric, SlaPolicy
from parley.tickets.status import PRIORITY_BY_NAME

NAME_MAX = 80
POLICIES_MAX = 50
TARGET_MAX_MINUTES = 365 * 24 * 60


@dataclass(frozen=True)
class SlaPolicyInput:
    """What an admin sets; on a change, ``None`` leaves a field as it is (``inbox`` and
    ``team`` take 0 to remove the condition)."""

    name: str | None = None
    targets: dict[str, Any] | None = None
    inbox_id: int | None = None
    team_id: int | None = None
    business_hours: bool | None = None
    warning_percent: int | None = None
    clear_warning: bool = False
    is_active: bool | None = None


def _require_admin(actor: Member) -> None:
    if actor.role not in {Role.OWNER, Role.ADMIN}:
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Only admins and owners manage SLA policies."
        )


def clean_targets(raw: object) -> dict[str, dict[str, int]]:
    """``{"urgent": {"first_response": 30, "resolution": 240}, …}``: minutes, 1 to a year;
    a missing or null value is no target."""
    if not isinstance(raw, dict):
        raise ApplicationError(
            ErrorCode.INVALID, "targets must be an object.", fields={"targets": "an object"}
        )
    problems: dict[str, str] = {}
    cleaned: dict[str, dict[str, int]] = {}
    for priority, metrics in raw.items():
        if priority not in PRIORITY_BY_NAME:
            problems[f"targets.{priority}"] = "unknown priority; use low, normal, high, urgent"
            continue
        if not isinstance(metrics, dict):
            problems[f"targets.{priority}"] = "must be an object"
            continue
        row: dict[str, int] = {}
        for metric, minutes in metrics.items():
            where = f"targets.{priority}.{metric}"
            if metric not in SlaMetric.values:
                problems[where] = "unknown target; use first_response or resolution"
            elif minutes is None:
                continue
            elif (
                not isinstance(minutes, int)
                or isinstance(minutes, bool)
                or not 1 <= minutes <= TARGET_MAX_MINUTES
            ):
                problems[where] = f"whole minutes from 1 to {TARGET_MAX_MINUTES}"
            else:
                row[metric] = minutes
        if row:
            cleaned[priority] = row
    if problems:
        first = next(iter(problems.items()))
        raise ApplicationError(ErrorCode.INVALID, f"{first[0]}: {first[1]}", fields=problems)
    return cleaned


def _clean_name(workspace_id: int, name: str, *, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    if not 1 <= len(name) <= NAME_MAX:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"A name is 1 to {NAME_MAX} characters.",
            fields={"name": f"1 to {NAME_MAX} characters"},
        )
    taken = SlaPolicy.objects.filter(workspace_id=workspace_id, name=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ApplicationError(
            ErrorCode.INVALID, "A policy of that name exists.", fields={"name": "taken"}
        )
    return name


def _clean_warning(percent: int) -> int:
    if isinstance(percent, bool) or not isinstance(percent, int) or not 1 <= percent <= 99:
        raise ApplicationError(
            ErrorCode.INVALID,
            "The warning is a percentage of the target from 1 to 99.",
            fields={"warning_percent": "1 to 99"},
        )
    return percent


def _apply(policy: SlaPolicy, data: SlaPolicyInput, workspace_id: int) -> dict[str, Any]:
    """Check and set the fields given; returns what changed, for the audit record."""
    changed: dict[str, Any] = {}
    if data.name is not None:
        policy.name = _clean_name(workspace_id, data.name, exclude=policy.pk)
        changed["name"] = policy.name
    if data.targets is not None:
        policy.targets = clean_targets(data.targets)
        changed["targets"] = policy.targets
    if data.inbox_id is not None:
        if data.inbox_id == 0:
            policy.inbox = None
        else:
            inbox = Inbox.objects.filter(pk=data.inbox_id, workspace_id=workspace_id).first()
            if inbox is None:
                raise ApplicationError(
                    ErrorCode.INVALID, "No such inbox.", fields={"inbox": "not found"}
                )
            policy.inbox = inbox
        changed["inbox"] = policy.inbox_id
    if data.team_id is not None:
        if data.team_id == 0:
            policy.team = None
        else:
            team = Team.objects.filter(pk=data.team_id, workspace_id=workspace_id).first()
            if team is None:
                raise ApplicationError(
                    ErrorCode.INVALID, "No such team.", fields={"team": "not found"}
                )
            policy.team = team
        changed["team"] = policy.team_id
    if data.business_hours is not None:
        policy.business_hours = data.business_hours
        changed["business_hours"] = data.business_hours
    if data.clear_warning:
        policy.warning_percent = None
        changed["warning_percent"] = None
    elif data.warning_percent is not None:
        policy.warning_percent = _clean_warning(data.warning_percent)
        changed["warning_percent"] = policy.warning_percent
    if data.is_active is not None:
        policy.is_active = data.is_active
        changed["is_active"] = data.is_active
    return changed


def _save(policy: SlaPolicy) -> None:
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError as exc:  # the same name saved a moment before by someone else
        raise ApplicationError(
            ErrorCode.INVALID, "A policy of that name exists.", fields={"name": "taken"}
        ) from exc


@transaction.atomic
def sla_policy_create(*, actor: Member, data: SlaPolicyInput) -> SlaPolicy:
    """A new policy, placed last in the workspace's order."""
    _require_admin(actor)
    workspace_id = actor.workspace_id
    if data.name is None or data.targets is None:
        raise ApplicationError(
            ErrorCode.INVALID,
            "A policy needs a name and targets.",
            fields={
                key: "required"
                for key, value in (("name", data.name), ("targets", data.targets))
                if value is None
            },
        )
    existing = SlaPolicy.objects.filter(workspace_id=workspace_id)
    if existing.count() >= POLICIES_MAX:
        raise ApplicationError(ErrorCode.INVALID, f"At most {POLICIES_MAX} SLA policies.")
    last = existing.order_by("-position").values_list("position", flat=True).first()
    policy = SlaPolicy(workspace_id=workspace_id, position=0 if last is None else last + 1)
    changed = _apply(policy, data, workspace_id)
    _save(policy)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="sla_policy.created",
        target=policy,
        data=changed,
    )
    return policy


@transaction.atomic
def sla_policy_update(*, actor: Member, policy: SlaPolicy, data: SlaPolicyInput) -> SlaPolicy:
    _require_admin(actor)
    current = SlaPolicy.objects.select_for_update().get(pk=policy.pk, workspace=actor.workspace_id)
    changed = _apply(current, data, actor.workspace_id)
    if not changed:
        return current
    _save(current)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="sla_policy.updated",
        target=current,
        data=changed,
    )
    # The tickets under it get its new targets, or another policy if it no longer fits.
    sla_tickets_reapply(ticket_ids=tickets_under_policy(policy_id=current.pk))
    return current


@transaction.atomic
def sla_policy_delete(*, actor: Member, policy: SlaPolicy) -> None:
    _require_admin(actor)
    current = SlaPolicy.objects.select_for_update().get(pk=policy.pk, workspace=actor.workspace_id)
    ticket_ids = tickets_under_policy(policy_id=current.pk)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="sla_policy.deleted",
        target=current,
        data={"name": current.name},
    )
    current.delete()
    sla_tickets_reapply(ticket_ids=ticket_ids)


@transaction.atomic
def sla_policies_reorder(*, actor: Member, policy_ids: list[int]) -> list[SlaPolicy]:
    """The workspace's policies in this order; every policy named exactly once."""
    _require_admin(actor)
    policies = {p.pk: p for p in SlaPolicy.objects.filter(workspace_id=actor.workspace_id)}
    if sorted(policy_ids) != sorted(policies) or len(set(policy_ids)) != len(policy_ids):
        raise ApplicationError(
            ErrorCode.INVALID,
            "Name every policy of the workspace once.",
            fields={"ids": "each policy once"},
        )
    for position, pk in enumerate(policy_ids):
        policies[pk].position = position
    SlaPolicy.objects.bulk_update(list(policies.values()), ["position"])
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="sla_policy.reordered",
        target=actor.workspace,
        data={"ids": policy_ids},
    )
    return [policies[pk] for pk in policy_ids]

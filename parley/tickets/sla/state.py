"""A ticket's SLA state (ok, warning, breached, paused, met) from its clock columns, in Python
for payloads and as a filter for the tickets list. The two say the same; a test checks it.

Per metric (first response, resolution): *breached* once its due time passed unmet (or it
was met late); *warning* while running past its warning time; *ok* while running; *paused*
(resolution, while pending); *met* when met in time; not counted when the policy sets no
target for it. The ticket's state is the worst of its metrics in the order
breached > warning > ok > paused > met; a policy with no target for the ticket's priority
shows ``ok``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.db.models import F, Q

from parley.tickets.sla_models import SlaMetric, TicketSla

SlaState = Literal["ok", "warning", "breached", "paused", "met"]
STATES: tuple[str, ...] = ("ok", "warning", "breached", "paused", "met", "none")
_RANK: dict[str, int] = {"met": 0, "paused": 1, "ok": 2, "warning": 3, "breached": 4}


def metric_breached(row: TicketSla, metric: SlaMetric, now: datetime) -> bool:
    if getattr(row, f"{metric}_breached"):
        return True
    due = getattr(row, f"{metric}_due_at")
    met = getattr(row, f"{metric}_met_at")
    if due is None:
        return False
    return met > due if met is not None else due <= now


def metric_state(row: TicketSla, metric: SlaMetric, now: datetime) -> str | None:
    if metric_breached(row, metric, now):
        return "breached"
    if getattr(row, f"{metric}_met_at") is not None:
        return "met"
    if metric == SlaMetric.RESOLUTION and row.resolution_paused_at is not None:
        return "paused"
    due = getattr(row, f"{metric}_due_at")
    if due is None:
        return None
    warn = getattr(row, f"{metric}_warn_at")
    return "warning" if warn is not None and warn <= now else "ok"


def sla_state(row: TicketSla, now: datetime) -> SlaState:
    metrics = (SlaMetric.FIRST_RESPONSE, SlaMetric.RESOLUTION)
    states = [s for m in metrics if (s := metric_state(row, m, now))]
    if not states:
        return "ok"
    worst = max(states, key=_RANK.__getitem__)
    return worst  # type: ignore[return-value]


def _p(metric: SlaMetric, field: str) -> str:
    return f"sla__{metric}_{field}"


def _breached_q(metric: SlaMetric, now: datetime) -> Q:
    return (
        Q(**{_p(metric, "breached"): True})
        | Q(**{_p(metric, "met_at__isnull"): True, _p(metric, "due_at__lte"): now})
        | Q(**{_p(metric, "met_at__gt"): F(_p(metric, "due_at"))})
    )


def _running_q(metric: SlaMetric) -> Q:
    return Q(**{_p(metric, "due_at__isnull"): False, _p(metric, "met_at__isnull"): True})


def sla_state_q(state: str, now: datetime) -> Q:
    """Tickets (``Ticket`` rows) in ``state``; ``none``: no policy applies."""
    has = Q(sla__policy__isnull=False)
    if state == "none":
        return ~has
    fr, res = SlaMetric.FIRST_RESPONSE, SlaMetric.RESOLUTION
    breached = _breached_q(fr, now) | _breached_q(res, now)
    warning = (_running_q(fr) & Q(**{_p(fr, "warn_at__lte"): now})) | (
        _running_q(res) & Q(**{_p(res, "warn_at__lte"): now})
    )
    running = _running_q(fr) | _running_q(res)
    paused = Q(sla__resolution_paused_at__isnull=False, sla__resolution_met_at__isnull=True)
    met = Q(sla__first_response_met_at__isnull=False) | Q(sla__resolution_met_at__isnull=False)
    if state == "breached":
        return has & breached
    if state == "warning":
        return has & ~breached & warning
    if state == "paused":
        return has & ~breached & ~running & paused
    if state == "met":
        return has & ~breached & ~running & ~paused & met
    # ok: a running metric, or nothing counted at all
    return has & ~breached & ~warning & (running | (~paused & ~met))

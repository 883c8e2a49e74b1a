"""Alert rules: a threshold on a metric over a sliding window, checked every minute.

A rule *fires* when its condition becomes true: it is then ``firing`` and stays quiet while the
condition holds (de-duplication: one alert per episode, not one per minute). After the condition
clears, a new episode fires again, but not before ``cooldown_minutes`` have passed since the last
alert (a value flapping around the threshold does not page people every minute).

The window is read from the reporting events (not the rollups): a 15-minute window cannot be
cut from hourly buckets, and the rollup job may be a minute behind.

Each alert is delivered in the console (an ``alert.fired`` frame to the workspace's supervising
members), by e-mail to the rule's addresses, and by an HMAC-signed webhook POST whose URL goes
through the outbound-URL guard (parley/outbound.py) when the rule is saved and again when it is
sent, on the very address the request connects to (a name may resolve elsewhere by then).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Avg, Count

from parley.accounts.models import Member, Role
from parley.accounts.services import audit_record
from parley.analytics.models import (
    AlertEvent,
    AlertMetric,
    AlertRule,
    Comparison,
    EventKind,
    ReportingEvent,
)
from parley.conversations import realtime
from parley.errors import ApplicationError, ErrorCode
from parley.outbound import check_outbound_url, outbound_request

# metric → (event kind, aggregate): a count of events or the mean of their values
METRIC_SOURCES: dict[str, tuple[str, str]] = {
    AlertMetric.VOLUME: (EventKind.CREATED, "count"),
    AlertMetric.QUEUE_WAIT: (EventKind.ASSIGNED, "mean"),
    AlertMetric.FIRST_RESPONSE: (EventKind.FIRST_RESPONSE, "mean"),
    AlertMetric.CSAT: (EventKind.CSAT, "mean"),
    AlertMetric.SLA_BREACHES: (EventKind.SLA_BREACHED, "count"),
    AlertMetric.ABANDONED: (EventKind.ABANDONED, "count"),
    AlertMetric.TRANSFERS: (EventKind.TRANSFERRED, "count"),
    AlertMetric.BOT_HANDOVERS: (EventKind.BOT_HANDOVER, "count"),
    AlertMetric.NEGATIVE_MESSAGES: (EventKind.MESSAGE_NEGATIVE, "count"),
    # negative / scored customer messages (parley/analytics/sentiment): a share, 0..1
    AlertMetric.NEGATIVE_SHARE: (EventKind.MESSAGE_NEGATIVE, "share"),
}
MAX_WINDOW_MINUTES = 7 * 24 * 60
WEBHOOK_TIMEOUT = 5


# ---- rules (admin changes, audited) -----------------------------------------------------


@dataclass(frozen=True)
class RuleInput:
    name: str
    metric: str
    comparison: str
    threshold: float
    window_minutes: int = 60
    cooldown_minutes: int = 30
    inbox_id: int | None = None
    team_id: int | None = None
    notify_console: bool = True
    email_to: tuple[str, ...] = ()
    webhook_url: str = ""
    enabled: bool = True


def _require_supervising(actor: Member) -> None:
    if not actor.is_supervising:
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Alert rules are for supervisors and admins."
        )


def _clean(data: RuleInput, workspace_id: int) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = "required"
    if data.metric not in AlertMetric.values:
        errors["metric"] = "unknown"
    if data.comparison not in Comparison.values:
        errors["comparison"] = "unknown"
    if not 1 <= data.window_minutes <= MAX_WINDOW_MINUTES:
        errors["window_minutes"] = f"1 to {MAX_WINDOW_MINUTES}"
    if not 0 <= data.cooldown_minutes <= MAX_WINDOW_MINUTES:
        errors["cooldown_minutes"] = f"0 to {MAX_WINDOW_MINUTES}"
    if data.metric == AlertMetric.VOLUME_ABOVE_FORECAST and (data.inbox_id or data.team_id):
        errors["metric"] = "workspace-wide: no inbox or team"  # as the forecast is
    if errors:
        raise ApplicationError(ErrorCode.INVALID, "The alert rule is not valid.", fields=errors)
    from parley.accounts.models import Team
    from parley.inboxes.models import Inbox

    if (
        data.inbox_id is not None
        and not Inbox.objects.filter(pk=data.inbox_id, workspace_id=workspace_id).exists()
    ):
        raise ApplicationError(ErrorCode.INVALID, "No such inbox.", fields={"inbox": "not found"})
    if (
        data.team_id is not None
        and not Team.objects.filter(pk=data.team_id, workspace_id=workspace_id).exists()
    ):
        raise ApplicationError(ErrorCode.INVALID, "No such team.", fields={"team": "not found"})
    url = (
        check_outbound_url(data.webhook_url, field="webhook_url")
        if data.webhook_url.strip()
        else ""
    )
    return {
        "name": data.name.strip()[:120],
        "metric": data.metric,
        "comparison": data.comparison,
        "threshold": float(data.threshold),
        "window_minutes": data.window_minutes,
        "cooldown_minutes": data.cooldown_minutes,
        "inbox_id": data.inbox_id,
        "team_id": data.team_id,
        "notify_console": data.notify_console,
        "email_to": sorted({e.strip().lower() for e in data.email_to if e.strip()}),
        "webhook_url": url,
        "enabled": data.enabled,
    }


@transaction.atomic
def alert_rule_create(*, actor: Member, data: RuleInput) -> AlertRule:
    _require_supervising(actor)
    values = _clean(data, actor.workspace_id)
    rule = AlertRule.objects.create(
        workspace_id=actor.workspace_id, webhook_secret=secrets.token_hex(24), **values
    )
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="alert_rule.created",
        target=rule,
        data={"name": rule.name},
    )
    return rule


@transaction.atomic
def alert_rule_update(*, actor: Member, rule: AlertRule, data: RuleInput) -> AlertRule:
    _require_supervising(actor)
    values = _clean(data, actor.workspace_id)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.firing = False  # a changed condition starts a new episode
    rule.save()
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="alert_rule.updated",
        target=rule,
        data={"name": rule.name},
    )
    return rule


@transaction.atomic
def alert_rule_delete(*, actor: Member, rule: AlertRule) -> None:
    _require_supervising(actor)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="alert_rule.deleted",
        target=rule,
        data={"name": rule.name},
    )
    rule.delete()


# ---- evaluation -------------------------------------------------------------------------


def metric_value(*, rule: AlertRule, start: datetime, end: datetime) -> float | None:
    """The rule's metric over [start, end); None when a mean has nothing to average."""
    if rule.metric == AlertMetric.VOLUME_ABOVE_FORECAST:
        from parley.analytics.insights.alerting import volume_vs_forecast

        return volume_vs_forecast(workspace_id=rule.workspace_id, start=start, end=end)
    kind, how = METRIC_SOURCES[rule.metric]
    events = ReportingEvent.objects.filter(
        workspace_id=rule.workspace_id, kind=kind, occurred_at__gte=start, occurred_at__lt=end
    )
    if rule.inbox_id is not None:
        events = events.filter(inbox_id=rule.inbox_id)
    if rule.team_id is not None:
        events = events.filter(team_id=rule.team_id)
    if how == "count":
        return float(events.aggregate(n=Count("pk"))["n"])
    if how == "share":
        from parley.analytics.sentiment.alerting import negative_share

        return negative_share(rule=rule, start=start, end=end)
    mean = events.exclude(value=None).aggregate(m=Avg("value"))["m"]
    return float(mean) if mean is not None else None


def holds(rule: AlertRule, value: float | None) -> bool:
    if value is None:
        return False
    return value > rule.threshold if rule.comparison == Comparison.ABOVE else value < rule.threshold


def alerts_evaluate(*, now: datetime) -> int:
    """Check every enabled rule; returns how many fired."""
    fired = 0
    for rule in AlertRule.objects.filter(enabled=True).order_by("pk"):
        event = alert_rule_check(rule_id=rule.pk, now=now)
        if event is not None:
            alert_deliver(event=event)
            fired += 1
    return fired


@transaction.atomic
def alert_rule_check(*, rule_id: int, now: datetime) -> AlertEvent | None:
    """Evaluate one rule under its row lock (two schedulers never fire the same episode)."""
    rule = AlertRule.objects.select_for_update().filter(pk=rule_id, enabled=True).first()
    if rule is None:
        return None
    start = now - timedelta(minutes=rule.window_minutes)
    value = metric_value(rule=rule, start=start, end=now)
    if not holds(rule, value):
        if rule.firing:
            rule.firing = False
            rule.save(update_fields=["firing"])
        return None
    if rule.firing:
        return None  # the same episode: already alerted
    cooling = rule.last_fired_at is not None and now - rule.last_fired_at < timedelta(
        minutes=rule.cooldown_minutes
    )
    if cooling:
        return None  # stays not firing, so it fires once the cooldown is over if still true
    assert value is not None
    rule.firing = True
    rule.last_fired_at = now
    rule.save(update_fields=["firing", "last_fired_at"])
    return AlertEvent.objects.create(
        workspace_id=rule.workspace_id,
        rule=rule,
        fired_at=now,
        value=round(value, 3),
        threshold=rule.threshold,
        window_start=start,
        window_end=now,
    )


# ---- delivery ---------------------------------------------------------------------------


def alert_payload(event: AlertEvent) -> dict[str, Any]:
    rule = event.rule
    return {
        "type": "alert.fired",
        "alert": {
            "id": event.pk,
            "rule": {"id": rule.pk, "name": rule.name, "metric": rule.metric},
            "comparison": rule.comparison,
            "value": event.value,
            "threshold": event.threshold,
            "window_start": event.window_start.isoformat(),
            "window_end": event.window_end.isoformat(),
            "fired_at": event.fired_at.isoformat(),
        },
    }


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``<timestamp>.<body>``: the timestamp is signed
    too, so a receiver can refuse a replayed old delivery."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def alert_deliver(*, event: AlertEvent) -> dict[str, str]:
    """Send one alert through the rule's channels; each outcome is kept in the history."""
    rule = event.rule
    payload = alert_payload(event)
    results: dict[str, str] = {}
    if rule.notify_console:
        supervising = Member.objects.filter(
            workspace_id=rule.workspace_id,
            is_active=True,
            role__in=[Role.OWNER, Role.ADMIN, Role.SUPERVISOR],
        ).values_list("pk", flat=True)
        realtime.send_to_groups([realtime.member_group(m) for m in supervising], payload)
        results["console"] = "sent"
    if rule.email_to:
        results["email"] = _send_email(rule, event)
    if rule.webhook_url:
        results["webhook"] = _send_webhook(rule, payload)
    AlertEvent.objects.filter(pk=event.pk).update(deliveries=results)
    return results


def _send_email(rule: AlertRule, event: AlertEvent) -> str:
    sign_word = ">" if rule.comparison == Comparison.ABOVE else "<"
    subject = f"[Parley] Alert: {rule.name} / 告警：{rule.name}"
    body = (
        f"{rule.metric} = {event.value:g} ({sign_word} {event.threshold:g}) "
        f"over the last {rule.window_minutes} min, at {event.fired_at:%Y-%m-%d %H:%M} UTC.\n"
        f"最近 {rule.window_minutes} 分钟 {rule.metric} = {event.value:g}"
        f"（阈值 {sign_word} {event.threshold:g}）。\n"
    )
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, list(rule.email_to))
    except OSError as exc:  # SMTP refused or unreachable: recorded, the job goes on
        return f"failed: {type(exc).__name__}"
    return "sent"


def _send_webhook(rule: AlertRule, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    try:
        response = outbound_request(
            "POST",
            rule.webhook_url,
            field="webhook_url",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "Parley-Alerts/1",
                "X-Parley-Timestamp": timestamp,
                "X-Parley-Signature": sign(rule.webhook_secret, timestamp, body),
            },
            content=body,
            timeout=WEBHOOK_TIMEOUT,
        )
    except ApplicationError:
        return "failed: address not allowed"
    except httpx.HTTPError as exc:
        return f"failed: {type(exc).__name__}"
    if response.is_success:
        return str(response.status_code)
    return f"failed: HTTP {response.status_code}"

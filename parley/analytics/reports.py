"""Scheduled e-mail reports: the dashboard's headline figures for yesterday (daily) or last
week, Monday to Sunday (weekly), in the workspace's time zone, to each subscribed address.

The job (``analytics-email-reports``, hourly) sends each period once per subscription:
``sent_through`` remembers the last day sent. A failed send is retried on the next run. After
downtime only the latest period is sent, not every missed one. The figures come from the
rollups, like the dashboard's.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils.html import escape

from parley.accounts.models import Member
from parley.accounts.services import audit_record
from parley.analytics.metrics import Filters, daily_rows, summary_of, totals
from parley.analytics.models import ReportFrequency, ReportSubscription
from parley.analytics.period import Period
from parley.errors import ApplicationError, ErrorCode

log = logging.getLogger(__name__)


def report_period(frequency: str, today: date) -> tuple[date, date]:
    """The last complete period before ``today``: yesterday, or last Monday to Sunday."""
    if frequency == ReportFrequency.DAILY:
        day = today - timedelta(days=1)
        return day, day
    this_monday = today - timedelta(days=today.weekday())
    return this_monday - timedelta(days=7), this_monday - timedelta(days=1)


def _period(first: date, last: date, zone: ZoneInfo) -> Period:
    return Period(
        first_day=first,
        last_day=last,
        start=datetime.combine(first, time.min, tzinfo=zone),
        end=datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
    )


# ---- subscriptions (audited) ------------------------------------------------------------


def _require_supervising(actor: Member) -> None:
    if not actor.is_supervising:
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Reports are for supervisors and admins."
        )


@transaction.atomic
def report_subscription_create(*, actor: Member, email: str, frequency: str) -> ReportSubscription:
    _require_supervising(actor)
    if frequency not in ReportFrequency.values:
        raise ApplicationError(
            ErrorCode.INVALID, "Unknown frequency.", fields={"frequency": "unknown"}
        )
    try:
        with transaction.atomic():
            sub = ReportSubscription.objects.create(
                workspace_id=actor.workspace_id, email=email.strip().lower(), frequency=frequency
            )
    except IntegrityError as exc:
        raise ApplicationError(
            ErrorCode.INVALID,
            "This address already gets this report.",
            fields={"email": "duplicate"},
        ) from exc
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="report_subscription.created",
        target=sub,
        data={"email": sub.email, "frequency": frequency},
    )
    return sub


@transaction.atomic
def report_subscription_delete(*, actor: Member, subscription: ReportSubscription) -> None:
    _require_supervising(actor)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="report_subscription.deleted",
        target=subscription,
        data={"email": subscription.email, "frequency": subscription.frequency},
    )
    subscription.delete()


# ---- sending ----------------------------------------------------------------------------


def _lines(figures: dict[str, object]) -> list[tuple[str, str, str]]:
    """(English, Chinese, value) for each headline figure."""

    def mins(seconds: object) -> str:
        return "—" if seconds is None else f"{float(seconds) / 60:.1f} min"  # type: ignore[arg-type]

    fr = figures["first_response"]
    ht = figures["handle_time"]
    sla = figures["sla"]
    csat = figures["csat"]
    bot = figures["bot"]
    assert isinstance(fr, dict) and isinstance(ht, dict) and isinstance(sla, dict)
    assert isinstance(csat, dict) and isinstance(bot, dict)
    pct = lambda v: "—" if v is None else f"{v}%"  # noqa: E731
    return [
        ("Conversations", "会话量", str(figures["volume"])),
        ("Resolved", "已解决", str(figures["resolved"])),
        ("First response (mean)", "首次响应（平均）", mins(fr["mean_seconds"])),
        ("Handle time (mean)", "处理时长（平均）", mins(ht["mean_seconds"])),
        ("SLA met", "SLA 达标率", pct(sla["compliance"])),
        (
            "CSAT",
            "满意度",
            "—" if csat["average"] is None else f"{csat['average']} ({csat['responses']})",
        ),
        ("Bot deflection", "机器人分流率", pct(bot["deflection_percent"])),
        ("Transfers", "转接", str(figures["transfers"])),
        ("Missed / abandoned", "未接 / 放弃", str(figures["abandoned"])),
    ]


def report_email(sub: ReportSubscription, first: date, last: date) -> EmailMultiAlternatives:
    workspace = sub.workspace
    zone = ZoneInfo(workspace.timezone or "UTC")
    filters = Filters(
        workspace_id=workspace.pk, period=_period(first, last, zone), timezone=workspace.timezone
    )
    figures = summary_of(totals(daily_rows(filters)))
    span = first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"
    subject = f"[Parley] {workspace.name}: {span} / 客服报表"
    link = f"{settings.PARLEY_PUBLIC_URL}/app/{workspace.slug}/dashboards"
    lines = _lines(figures)
    text = "\n".join(
        [f"{workspace.name} — {span} ({workspace.timezone})", ""]
        + [f"{en} / {zh}: {value}" for en, zh, value in lines]
        + ["", f"Dashboards / 数据看板: {link}"]
    )
    rows = "".join(
        f"<tr><td>{escape(en)}<br><small>{escape(zh)}</small></td><td><b>{escape(v)}</b></td></tr>"
        for en, zh, v in lines
    )
    html = (
        f"<h2>{escape(workspace.name)} — {escape(span)}</h2>"
        f"<table cellpadding='6'>{rows}</table>"
        f"<p><a href='{escape(link)}'>Dashboards / 数据看板</a></p>"
    )
    mail = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [sub.email])
    mail.attach_alternative(html, "text/html")
    return mail


def reports_send(*, now: datetime) -> int:
    """Send every report that is due; returns how many were sent."""
    sent = 0
    for sub in ReportSubscription.objects.select_related("workspace").order_by("pk"):
        today = now.astimezone(ZoneInfo(sub.workspace.timezone or "UTC")).date()
        first, last = report_period(sub.frequency, today)
        if sub.sent_through is not None and sub.sent_through >= last:
            continue
        try:
            report_email(sub, first, last).send()
        except OSError:
            log.warning("report e-mail to subscription %s failed; retried next run", sub.pk)
            continue
        ReportSubscription.objects.filter(pk=sub.pk).update(sent_through=last)
        sent += 1
    return sent

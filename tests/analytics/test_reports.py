"""Scheduled e-mail reports: the right period in the workspace's zone, each period sent once
to a local SMTP server with the dashboard's figures, retried after a failure; the API with
roles and isolation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from parley.accounts.models import AuditEvent
from parley.analytics.models import EventKind, ReportingEvent, ReportSubscription
from parley.analytics.reports import report_period, report_subscription_create, reports_send
from parley.analytics.rollups import rollups_fill
from parley.ops.schedule import PERIODIC_JOBS
from tests.conftest import World, client_for
from tests.mail import Mailbox

pytestmark = pytest.mark.django_db


def test_periods_are_yesterday_and_last_monday_to_sunday() -> None:
    wednesday = date(2026, 11, 25)
    assert report_period("daily", wednesday) == (date(2026, 11, 24), date(2026, 11, 24))
    assert report_period("weekly", wednesday) == (date(2026, 11, 16), date(2026, 11, 22))
    monday = date(2026, 11, 23)
    assert report_period("weekly", monday) == (date(2026, 11, 16), date(2026, 11, 22))


def test_the_job_runs_hourly() -> None:
    (job,) = [j for j in PERIODIC_JOBS if j.name == "analytics-email-reports"]
    assert (job.task, job.every) == (
        "parley.analytics.tasks.send_email_reports",
        timedelta(hours=1),
    )


def test_a_daily_report_is_sent_once_with_yesterdays_figures(
    world: World, smtp_server: Mailbox
) -> None:
    # given Shanghai, where it is already the 25th at 17:00 UTC on the 24th
    world.workspace.timezone = "Asia/Shanghai"
    world.workspace.save()
    report_subscription_create(actor=world.supervisor, email="boss@example.test", frequency="daily")
    now = datetime(2026, 11, 24, 17, tzinfo=UTC)  # 01:00 on the 25th in Shanghai
    # and 3 conversations on the 24th (local), one on the 23rd
    for at in ("2026-11-24T02:00", "2026-11-24T09:00", "2026-11-24T15:30", "2026-11-23T12:00"):
        when = datetime.fromisoformat(at).replace(tzinfo=UTC)
        ReportingEvent.objects.create(
            workspace=world.workspace, kind=EventKind.CREATED, occurred_at=when, recorded_at=when,
            inbox_id=world.inbox.pk, channel="widget",
        )  # fmt: skip
    rollups_fill(now=now)

    # when the job runs twice
    assert reports_send(now=now) == 1
    assert reports_send(now=now + timedelta(hours=1)) == 0

    # then one e-mail with the 24th's figures
    (mail,) = smtp_server.received
    assert mail.envelope_to == ["boss@example.test"]
    assert "2026-11-24" in str(mail.message["Subject"])
    assert "Conversations / 会话量: 3" in mail.text()
    assert "/dashboards" in mail.html()
    assert ReportSubscription.objects.get().sent_through == date(2026, 11, 24)
    # and the next day's report goes out the next day
    assert reports_send(now=now + timedelta(days=1)) == 1
    assert len(smtp_server.received) == 2


def test_a_refused_send_is_retried_on_the_next_run(world: World, smtp_server: Mailbox) -> None:
    report_subscription_create(actor=world.admin, email="boss@example.test", frequency="weekly")
    smtp_server.refuse_next = 1
    smtp_server.refuse_with = "554 5.0.0 No"
    now = datetime(2026, 11, 25, 8, tzinfo=UTC)
    assert reports_send(now=now) == 0
    assert ReportSubscription.objects.get().sent_through is None
    assert reports_send(now=now) == 1
    assert "2026-11-16 – 2026-11-22" in str(smtp_server.received[0].message["Subject"])


def test_api_subscribe_list_unsubscribe_with_roles_and_isolation(
    world: World, other_world: World
) -> None:
    base = f"/api/v1/workspaces/{world.workspace.slug}/analytics/report-subscriptions/"
    client = client_for(world.supervisor)
    response = client.post(
        base, {"email": "Boss@Example.test", "frequency": "weekly"}, format="json"
    )
    assert response.status_code == 201
    sub_id = response.json()["id"]
    assert response.json()["email"] == "boss@example.test"
    assert AuditEvent.objects.filter(action="report_subscription.created").count() == 1
    # the same again, a bad address and a bad frequency are refused; nothing else is stored
    again = client.post(base, {"email": "boss@example.test", "frequency": "weekly"}, format="json")
    assert again.status_code == 400
    assert again.json()["fields"]["email"] == "duplicate"
    assert (
        client.post(base, {"email": "nope", "frequency": "weekly"}, format="json").status_code
        == 400
    )
    assert (
        client.post(base, {"email": "a@b.test", "frequency": "hourly"}, format="json").status_code
        == 400
    )
    assert [s["id"] for s in client.get(base).json()["subscriptions"]] == [sub_id]
    # agents are refused; another workspace cannot see or delete it
    assert client_for(world.agent).get(base).status_code == 403
    theirs = f"/api/v1/workspaces/{other_world.workspace.slug}/analytics/report-subscriptions/"
    stranger = client_for(other_world.admin)
    assert stranger.get(theirs).json()["subscriptions"] == []
    assert stranger.delete(f"{theirs}{sub_id}/").status_code == 404
    assert client.delete(f"{base}{sub_id}/").status_code == 204
    assert not ReportSubscription.objects.exists()

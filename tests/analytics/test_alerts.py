"""Alert rules: firing on a threshold over a window, de-duplication while the condition holds,
cooldown after it clears, and delivery in the console, to a local SMTP server and to a local
webhook receiver that checks the HMAC signature; the rules API with roles and isolation."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.utils import timezone

from parley.accounts.models import AuditEvent
from parley.analytics.alerts import RuleInput, alert_rule_create, alerts_evaluate
from parley.analytics.models import AlertEvent, AlertRule, EventKind, ReportingEvent
from parley.analytics.tasks import evaluate_alerts
from parley.ops.schedule import PERIODIC_JOBS
from tests.conftest import Published, World, client_for
from tests.mail import Mailbox

pytestmark = pytest.mark.django_db


class Receiver:
    """A real HTTP server on 127.0.0.1 that keeps what was POSTed to it."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        received = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/parley"


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.PARLEY_OUTBOUND_ALLOWLIST = ["127.0.0.1"]  # the guard lets only this through
    r = Receiver()
    thread = threading.Thread(target=r.server.serve_forever, daemon=True)
    thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


def created(world: World, n: int, *, minutes_ago: float = 1) -> None:
    at = timezone.now() - timedelta(minutes=minutes_ago)
    ReportingEvent.objects.bulk_create(
        ReportingEvent(
            workspace=world.workspace,
            kind=EventKind.CREATED,
            occurred_at=at,
            recorded_at=at,
            inbox_id=world.inbox.pk,
            channel="widget",
        )
        for _ in range(n)
    )


def volume_rule(world: World, **values: Any) -> AlertRule:
    data: dict[str, Any] = {
        "name": "Rush",
        "metric": "volume",
        "comparison": "gt",
        "threshold": 5,
        "window_minutes": 15,
        "cooldown_minutes": 30,
        **values,
    }
    return alert_rule_create(actor=world.supervisor, data=RuleInput(**data))


def test_the_job_runs_every_minute() -> None:
    (job,) = [j for j in PERIODIC_JOBS if j.name == "analytics-evaluate-alerts"]
    assert job.task == "parley.analytics.tasks.evaluate_alerts"


def test_fires_once_per_episode_and_again_only_after_the_cooldown(
    world: World, published: Published
) -> None:
    # given a rule "more than 5 new conversations in 15 minutes" and 6 just now
    rule = volume_rule(world)
    created(world, 6)
    now = timezone.now()

    # when the job runs twice while it holds
    assert alerts_evaluate(now=now) == 1
    assert alerts_evaluate(now=now + timedelta(minutes=1)) == 0  # de-duplicated
    # then one alert, with the value, and a console frame to each supervising member
    (alert,) = AlertEvent.objects.filter(rule=rule)
    assert (alert.value, alert.threshold) == (6.0, 5.0)
    frames = published.frames("alert.fired", f"member.{world.supervisor.pk}")
    assert frames and frames[0]["alert"]["rule"]["name"] == "Rush"
    assert not published.frames("alert.fired", f"member.{world.agent.pk}")
    assert alert.deliveries == {"console": "sent"}

    # when the window empties (the condition clears), then a new burst within the cooldown
    later = now + timedelta(minutes=20)
    assert alerts_evaluate(now=later) == 0
    assert AlertRule.objects.get(pk=rule.pk).firing is False
    created(world, 6, minutes_ago=-20)  # events at later - 0
    assert alerts_evaluate(now=later + timedelta(seconds=1)) == 0  # cooling down
    # then once the cooldown is over, the still-true condition fires a second alert
    assert alerts_evaluate(now=now + timedelta(minutes=31)) == 1
    assert AlertEvent.objects.filter(rule=rule).count() == 2


def test_a_mean_metric_below_a_threshold(world: World) -> None:
    # given "CSAT below 4 over the last hour" and ratings 5, 3, 2
    alert_rule_create(
        actor=world.admin,
        data=RuleInput(
            name="Unhappy", metric="csat_average", comparison="lt", threshold=4, window_minutes=60
        ),
    )
    at = timezone.now() - timedelta(minutes=5)
    for rating in (5, 3, 2):
        ReportingEvent.objects.create(
            workspace=world.workspace, kind=EventKind.CSAT, occurred_at=at, recorded_at=at,
            value=rating,
        )  # fmt: skip
    # then it fires with the mean
    assert evaluate_alerts() == 1
    assert AlertEvent.objects.get().value == pytest.approx(10 / 3, abs=0.001)


def test_no_data_is_not_an_alert_for_a_mean(world: World) -> None:
    alert_rule_create(
        actor=world.admin,
        data=RuleInput(name="Slow", metric="queue_wait_mean", comparison="lt", threshold=10),
    )
    assert alerts_evaluate(now=timezone.now()) == 0


def test_delivered_by_email_and_a_signed_webhook(
    world: World, smtp_server: Mailbox, receiver: Receiver
) -> None:
    # given a rule with an e-mail address and a webhook
    rule = volume_rule(world, email_to=("duty@example.test",), webhook_url=receiver.url)
    created(world, 9)
    # when it fires
    assert alerts_evaluate(now=timezone.now()) == 1
    # then the SMTP server got the e-mail
    (mail,) = smtp_server.received
    assert mail.envelope_to == ["duty@example.test"]
    assert "Rush" in str(mail.message["Subject"])
    assert "volume = 9" in mail.text()
    # and the receiver got a POST whose signature verifies with the rule's secret
    ((headers, body),) = receiver.requests
    timestamp = headers["x-parley-timestamp"]
    expected = hmac.new(
        rule.webhook_secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(headers["x-parley-signature"], "sha256=" + expected)
    payload = json.loads(body)
    assert payload["type"] == "alert.fired"
    assert payload["alert"]["value"] == 9.0
    alert = AlertEvent.objects.get()
    assert alert.deliveries == {"console": "sent", "email": "sent", "webhook": "204"}


def test_a_webhook_to_a_private_address_is_refused(world: World) -> None:
    response = client_for(world.admin).post(
        f"/api/v1/workspaces/{world.workspace.slug}/analytics/alert-rules/",
        {"name": "x", "metric": "volume", "comparison": "gt", "threshold": 1,
         "webhook_url": "http://127.0.0.1:9/steal"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["fields"]["webhook_url"] == "private address"
    assert not AlertRule.objects.exists()


def test_rules_api_crud_with_audit_and_history(world: World) -> None:
    client = client_for(world.supervisor)
    base = f"/api/v1/workspaces/{world.workspace.slug}/analytics/"
    body = {"name": "Breaches", "metric": "sla_breaches", "comparison": "gt", "threshold": 3}
    response = client.post(base + "alert-rules/", body, format="json")
    assert response.status_code == 201
    rule_id = response.json()["id"]
    assert AuditEvent.objects.filter(action="alert_rule.created").count() == 1

    response = client.put(
        base + f"alert-rules/{rule_id}/", {**body, "threshold": 5, "window_minutes": 120},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200
    assert (response.json()["threshold"], response.json()["window_minutes"]) == (5.0, 120)
    assert [r["id"] for r in client.get(base + "alert-rules/").json()["rules"]] == [rule_id]

    # bad input: 400 with the field, and the stored rule unchanged
    response = client.put(
        base + f"alert-rules/{rule_id}/", {**body, "window_minutes": 0}, format="json"
    )
    assert response.status_code == 400
    assert "window_minutes" in response.json()["fields"]
    assert AlertRule.objects.get(pk=rule_id).window_minutes == 120

    # history lists what fired
    rule = AlertRule.objects.get(pk=rule_id)
    now = timezone.now()
    AlertEvent.objects.create(
        workspace=world.workspace, rule=rule, fired_at=now, value=7, threshold=5,
        window_start=now - timedelta(hours=2), window_end=now,
    )  # fmt: skip
    alerts = client.get(base + "alerts/").json()["alerts"]
    assert [(a["rule"]["name"], a["value"]) for a in alerts] == [("Breaches", 7.0)]

    assert client.delete(base + f"alert-rules/{rule_id}/").status_code == 204
    assert not AlertRule.objects.exists()
    assert AuditEvent.objects.filter(action="alert_rule.deleted").count() == 1


def test_agents_are_refused_and_workspaces_are_isolated(world: World, other_world: World) -> None:
    rule = volume_rule(world)
    base = f"/api/v1/workspaces/{world.workspace.slug}/analytics/"
    agent = client_for(world.agent)
    assert agent.get(base + "alert-rules/").status_code == 403
    assert agent.delete(base + f"alert-rules/{rule.pk}/").status_code == 403
    assert agent.get(base + "alerts/").status_code == 403
    # another workspace's admin, through their own workspace's URL, cannot reach the rule
    theirs = f"/api/v1/workspaces/{other_world.workspace.slug}/analytics/"
    stranger = client_for(other_world.admin)
    assert stranger.get(theirs + f"alert-rules/{rule.pk}/").status_code == 404
    assert stranger.delete(theirs + f"alert-rules/{rule.pk}/").status_code == 404
    assert stranger.get(theirs + "alert-rules/").json()["rules"] == []
    assert AlertRule.objects.filter(pk=rule.pk).exists()
    # and events of one workspace never fire the other's rules
    created(other_world, 20)
    assert alerts_evaluate(now=timezone.now()) == 0


def test_history_and_rules_cost_the_same_queries_for_2_and_12_alerts(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.supervisor)
    base = f"/api/v1/workspaces/{world.workspace.slug}/analytics/"
    now = timezone.now()

    def add(n: int) -> None:
        for i in range(n):
            rule = volume_rule(world, name=f"Rule {AlertRule.objects.count()}-{i}")
            AlertEvent.objects.create(
                workspace=world.workspace, rule=rule, fired_at=now, value=9, threshold=5,
                window_start=now - timedelta(minutes=15), window_end=now,
            )  # fmt: skip

    add(2)
    with CaptureQueriesContext(connection) as small:
        client.get(base + "alerts/")
        client.get(base + "alert-rules/")
    add(10)
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(base + "alerts/").json()["alerts"]) == 12
        assert len(client.get(base + "alert-rules/").json()["rules"]) == 12
    assert len(large) == len(small)

"""Reporting events (facts the services record) and the rollup tables a job fills from them.

Dimensions are stored as plain ids, not foreign keys: history outlives the inbox, team or member
it names (a deleted team's past volume still counts), and the rollup job never joins.
"""

from __future__ import annotations

from django.db import models

from parley.accounts.models import Workspace
from parley.contacts.encryption import EncryptedTextField


class EventKind(models.TextChoices):
    CREATED = "created"  # a conversation was started
    BOT_STARTED = "bot_started"  # ... with the inbox's bot answering first
    FIRST_RESPONSE = "first_response"  # value: seconds from creation to a member's first reply
    ASSIGNED = "assigned"  # value: seconds the conversation waited in the queue
    TRANSFERRED = "transferred"  # member: who gave it away
    RESOLVED = "resolved"  # value: seconds from creation to resolution
    HANDLED = "handled"  # value: seconds from (last) assignment to resolution
    ABANDONED = "abandoned"  # resolved without a member ever answering; value: seconds waited
    REOPENED = "reopened"
    CSAT = "csat"  # value: the rating, 1-5 (an edit replaces it)
    SLA_WARNING = "sla_warning"
    SLA_BREACHED = "sla_breached"
    SLA_MET = "sla_met"
    BOT_ANSWERED = "bot_answered"
    BOT_HANDOVER = "bot_handover"
    MESSAGE_SCORED = "message_scored"  # a customer message was scored; value: its score -1..1
    MESSAGE_NEGATIVE = "message_negative"  # ... and it was negative
    TURNED_NEGATIVE = "turned_negative"  # a conversation's running sentiment became negative


class ReportingEvent(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    occurred_at = models.DateTimeField()
    # When the row was written (or last changed): the rollup job's high-water mark reads this,
    # so an event that arrives late (occurred_at long ago) is still picked up.
    recorded_at = models.DateTimeField(db_index=True)
    conversation_id = models.BigIntegerField(null=True, blank=True)
    inbox_id = models.BigIntegerField(null=True, blank=True)
    team_id = models.BigIntegerField(null=True, blank=True)
    member_id = models.BigIntegerField(null=True, blank=True)
    channel = models.CharField(max_length=16, blank=True, default="")
    value = models.FloatField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "occurred_at"], name="analytics_event_when"),
            models.Index(
                fields=["workspace", "kind", "conversation_id"], name="analytics_event_conv"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.occurred_at:%Y-%m-%d %H:%M}"


class HourlyRollup(models.Model):
    """One metric (an event kind) in one hour of the workspace's zone, per dimension tuple.

    ``hist`` is a sparse log-scale histogram of the values ({bin: count}, parley.analytics.
    sketch) so percentiles can be computed from any number of rows without the events."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()  # the local hour's start, stored (as always) in UTC
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    inbox_id = models.BigIntegerField(null=True)
    team_id = models.BigIntegerField(null=True)
    member_id = models.BigIntegerField(null=True)
    channel = models.CharField(max_length=16, default="")
    count = models.PositiveIntegerField(default=0)
    value_count = models.PositiveIntegerField(default=0)
    value_sum = models.FloatField(default=0.0)
    hist = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["workspace", "hour"], name="analytics_hourly_when")]

    def __str__(self) -> str:
        return f"{self.kind} {self.hour:%Y-%m-%d %H:%M}: {self.count}"


class DailyRollup(models.Model):
    """The same per local day; dashboards over weeks read these (24 times fewer rows)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # a date in the workspace's zone
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    inbox_id = models.BigIntegerField(null=True)
    team_id = models.BigIntegerField(null=True)
    member_id = models.BigIntegerField(null=True)
    channel = models.CharField(max_length=16, default="")
    count = models.PositiveIntegerField(default=0)
    value_count = models.PositiveIntegerField(default=0)
    value_sum = models.FloatField(default=0.0)
    hist = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["workspace", "day"], name="analytics_daily_when")]

    def __str__(self) -> str:
        return f"{self.kind} {self.day}: {self.count}"


class FillState(models.Model):
    """How far the rollup job has read the event table (by ``recorded_at``), one row per job."""

    name = models.CharField(max_length=40, unique=True)
    recorded_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} until {self.recorded_until}"


class AlertMetric(models.TextChoices):
    VOLUME = "volume"
    QUEUE_WAIT = "queue_wait_mean"  # seconds
    FIRST_RESPONSE = "first_response_mean"  # seconds
    CSAT = "csat_average"
    SLA_BREACHES = "sla_breaches"
    ABANDONED = "abandoned"
    TRANSFERS = "transfers"
    BOT_HANDOVERS = "bot_handovers"
    NEGATIVE_MESSAGES = "negative_messages"  # count of negative customer messages
    NEGATIVE_SHARE = "negative_share"  # negative / scored customer messages, 0..1
    # conversations created in the window / the latest forecast's expected count (e.g. 1.5)
    VOLUME_ABOVE_FORECAST = "volume_vs_forecast"


class Comparison(models.TextChoices):
    ABOVE = "gt"
    BELOW = "lt"


class AlertRule(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    metric = models.CharField(max_length=32, choices=AlertMetric.choices)
    window_minutes = models.PositiveIntegerField(default=60)
    comparison = models.CharField(max_length=2, choices=Comparison.choices)
    threshold = models.FloatField()
    cooldown_minutes = models.PositiveIntegerField(default=30)
    inbox_id = models.BigIntegerField(null=True, blank=True)
    team_id = models.BigIntegerField(null=True, blank=True)
    notify_console = models.BooleanField(default=True)
    email_to = models.JSONField(default=list, blank=True)
    webhook_url = models.URLField(max_length=500, blank=True, default="")
    # Signs the webhook's deliveries (X-Parley-Signature); encrypted at rest.
    webhook_secret = EncryptedTextField(blank=True, default="")
    enabled = models.BooleanField(default=True)
    # True while the condition holds: an alert fires when it becomes true, not on every run.
    firing = models.BooleanField(default=False)
    last_fired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class AlertEvent(models.Model):
    """The alert history: one row per firing."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="events")
    fired_at = models.DateTimeField()
    value = models.FloatField()
    threshold = models.FloatField()
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    # {"console": "sent", "email": "sent" | "failed: ...", "webhook": "200" | "failed: ..."}
    deliveries = models.JSONField(default=dict)

    class Meta:
        ordering = ["-fired_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.rule_id} fired at {self.fired_at:%Y-%m-%d %H:%M}"


class ReportFrequency(models.TextChoices):
    DAILY = "daily"  # yesterday's figures, each morning
    WEEKLY = "weekly"  # last Monday to Sunday's, on Mondays


class ReportSubscription(models.Model):
    """Someone who gets the dashboard's headline figures by e-mail on a schedule."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    frequency = models.CharField(max_length=8, choices=ReportFrequency.choices)
    # The last day of the last period sent: the job sends each period once, and catches up
    # with the latest one after downtime.
    sent_through = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email", "frequency"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "email", "frequency"], name="analytics_report_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.frequency})"


# --- sentiment (parley/analytics/sentiment/) ------------------------------------------------


class SentimentLabel(models.TextChoices):
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


class SentimentTrend(models.TextChoices):
    IMPROVING = "improving"
    STEADY = "steady"
    WORSENING = "worsening"


class SentimentModelVersion(models.Model):
    """One trained sentiment model of a workspace. At most one is active; training writes a new
    row and moves ``active`` to it in one transaction, so scoring always reads a whole model.
    Old versions stay for comparison and rollback."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    trained_on_count = models.PositiveIntegerField()
    # Where the training texts came from (["seed"], ["waimai_10k.csv", ...]) and held-out scores.
    sources = models.JSONField(default=list)
    metrics = models.JSONField(default=dict)
    # Bytes written by SentimentModel.dumps(); only ever loaded from this table.
    artifact = models.BinaryField()
    active = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "version"], name="sentiment_model_version_unique"
            ),
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(active=True),
                name="sentiment_model_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"sentiment model v{self.version}"


class MessageSentiment(models.Model):
    """The score of one customer message (written by the scoring job, never on the request)."""

    message = models.OneToOneField(
        "conversations.Message", on_delete=models.CASCADE, related_name="sentiment"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="+"
    )
    label = models.CharField(max_length=8, choices=SentimentLabel.choices)
    score = models.FloatField()  # -1 (negative) .. 1 (positive): P(positive) - P(negative)
    model_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "created_at"], name="analytics_msgsent_when"),
            models.Index(fields=["conversation"], name="analytics_msgsent_conv"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.score:+.2f})"


class ConversationSentiment(models.Model):
    """A conversation's running sentiment: the recency-weighted mean of its customer messages'
    scores, its trend over the last messages, and when it first turned negative."""

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="sentiment"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(default=0.0)
    label = models.CharField(
        max_length=8, choices=SentimentLabel.choices, default=SentimentLabel.NEUTRAL
    )
    trend = models.CharField(
        max_length=9, choices=SentimentTrend.choices, default=SentimentTrend.STEADY
    )
    turned_negative_at = models.DateTimeField(null=True, blank=True)
    messages_scored = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "label"], name="analytics_convsent_label"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.score:+.2f}, {self.trend})"


# --- mining snapshots (parley/analytics/insights/) -------------------------------------------


class MiningKind(models.TextChoices):
    TOPICS = "topics"  # keywords per week, topics, what is new this week
    RULES = "rules"  # association rules over tags, intents, topics and products
    FORECAST = "forecast"  # hourly volume for the next 14 days, its backtest, handle time
    DAY_SHAPES = "day_shapes"  # typical intraday profiles


class MiningSnapshot(models.Model):
    """One computed mining result of a workspace: the pages read the latest per kind and never
    scan live messages. Written by the nightly job or a supervisor's "recompute now"."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=MiningKind.choices)
    params = models.JSONField(default=dict)  # the settings it was computed with
    result = models.JSONField(default=dict)
    # Empty when computed; else why there is no result (e.g. "not_enough_data").
    status = models.CharField(max_length=32, blank=True, default="")
    computed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["workspace", "kind", "-computed_at"], name="analytics_mining_latest"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.computed_at:%Y-%m-%d %H:%M}"


# --- customer profiles and churn (parley/analytics/customers/) --------------------------------

from parley.analytics.customers.models import ChurnModel, ContactProfile  # noqa: E402, F401

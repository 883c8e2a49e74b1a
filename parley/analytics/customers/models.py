"""Tables of customer profiles and churn models (imported by parley.analytics.models).

A profile is computed by a job (``profiles_refresh``), never on a request: the at-risk list and
the contact panel read the row as it is. A churn model is a plain logistic regression stored as
numbers (means, scales, coefficients), so scoring needs no pickled object and every score can be
explained exactly."""

from __future__ import annotations

from django.db import models

from parley.accounts.models import Member, Workspace
from parley.contacts.models import Contact


class RiskLevel(models.TextChoices):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NONE = ""  # not scored: silent for longer than the activity window, or no model yet


class SentimentTrendWord(models.TextChoices):
    IMPROVING = "improving"
    STEADY = "steady"
    WORSENING = "worsening"
    UNKNOWN = ""


class ContactProfile(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="profile")
    computed_at = models.DateTimeField()
    first_conversation_at = models.DateTimeField(null=True, blank=True)
    last_conversation_at = models.DateTimeField(null=True, blank=True)
    recency_days = models.FloatField(null=True, blank=True)
    conversations_30d = models.PositiveIntegerField(default=0)
    conversations_90d = models.PositiveIntegerField(default=0)
    conversations_total = models.PositiveIntegerField(default=0)
    channels = models.JSONField(default=list, blank=True)  # inbox kinds of the last 90 days
    topics = models.JSONField(default=list, blank=True)  # [[topic, conversations], …]
    keywords = models.JSONField(default=list, blank=True)  # top content words of their messages
    sentiment_mean = models.FloatField(null=True, blank=True)  # -1..1, last 90 days
    sentiment_last = models.FloatField(null=True, blank=True)
    sentiment_trend = models.CharField(
        max_length=9, choices=SentimentTrendWord.choices, blank=True, default=""
    )
    unresolved = models.PositiveIntegerField(default=0)
    csat_mean = models.FloatField(null=True, blank=True)
    csat_last = models.FloatField(null=True, blank=True)
    csat_responses = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    sla_breaches = models.PositiveIntegerField(default=0)
    wait_mean_seconds = models.FloatField(null=True, blank=True)
    abandoned = models.PositiveIntegerField(default=0)
    # The model's input as of computed_at ({feature: value}), and its output.
    features = models.JSONField(default=dict, blank=True)
    risk = models.FloatField(null=True, blank=True)  # probability of churn, 0..1
    risk_level = models.CharField(max_length=6, choices=RiskLevel.choices, blank=True, default="")
    reasons = models.JSONField(default=list, blank=True)
    model_version = models.PositiveIntegerField(null=True, blank=True)
    # Kept across recomputations: a supervisor marked the contact as followed up.
    followed_up_at = models.DateTimeField(null=True, blank=True)
    followed_up_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    follow_up_note = models.TextField(blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-risk"], name="analytics_profile_risk"),
        ]

    def __str__(self) -> str:
        return f"profile of contact {self.contact_id}"


class ChurnModel(models.Model):
    """One trained churn model of a workspace; at most one is active."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    # The label definition it was trained with (docs/churn.md).
    horizon_days = models.PositiveSmallIntegerField()
    active_days = models.PositiveSmallIntegerField()
    cutoffs = models.JSONField(default=list)  # ISO dates of the labelled cut-offs used
    train_rows = models.PositiveIntegerField()
    train_positives = models.PositiveIntegerField()
    # {"cutoff", "rows", "positives", "auc", "average_precision", "base_rate"} on the newest
    # cut-off, with a model fitted on the older ones only.
    validation = models.JSONField(default=dict)
    # {"features": […], "impute": […], "mean": […], "scale": […], "coef": […], "intercept": x}
    params = models.JSONField(default=dict)
    active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "version"], name="churn_model_version"),
            models.UniqueConstraint(
                fields=["workspace"], condition=models.Q(active=True), name="churn_model_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"churn model v{self.version}"

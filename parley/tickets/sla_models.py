"""SLA tables: the workspace's policies, each ticket's SLA state, and the SLA events.

Imported by parley/tickets/models.py, so Django finds them as the tickets app's models.
See docs/sla.md for what the columns mean to users.
"""

from __future__ import annotations

from django.db import models

from parley.accounts.models import Member, Team, Workspace
from parley.inboxes.models import Inbox


class SlaMetric(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    RESOLUTION = "resolution", "Resolution"


class SlaEventKind(models.TextChoices):
    WARNING = "warning", "Warning"
    BREACHED = "breached", "Breached"
    MET = "met", "Met"


class SlaPolicy(models.Model):
    """Targets per priority, in minutes, for the tickets it applies to: the first active
    policy in ``position`` order whose conditions (inbox, team; unset matches any) hold."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    # A condition that names a deleted inbox or team would silently turn the policy into a
    # fallback for every ticket; the policy goes with it instead.
    inbox = models.ForeignKey(
        Inbox, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Count in the ticket's inbox business hours; else calendar time.
    business_hours = models.BooleanField(default=True)
    # The warning falls due when this percentage of a target's time is left; None: no warning.
    warning_percent = models.PositiveSmallIntegerField(null=True, blank=True, default=20)
    # {"urgent": {"first_response": 30, "resolution": 240}, …}: minutes; a missing or null
    # value means no target for that metric at that priority.
    targets = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "SLA policies"
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="sla_policy_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class TicketSla(models.Model):
    """A ticket's SLA clocks. Absent (or without a policy) when no policy applies.

    Resolution time is kept as business seconds used (``resolution_used_seconds``) plus the
    running stretch since ``resolution_running_since``: pausing (pending) and solving add the
    stretch to the used seconds and stop the clock; resuming and reopening start it again.
    ``next_check_at`` is the earliest warning or due time the timer job has still to look at,
    so its query is one indexed range scan.
    """

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="sla"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField()
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    first_response_warn_at = models.DateTimeField(null=True, blank=True)
    first_response_met_at = models.DateTimeField(null=True, blank=True)
    first_response_warned = models.BooleanField(default=False)
    first_response_breached = models.BooleanField(default=False)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True)
    resolution_met_at = models.DateTimeField(null=True, blank=True)
    resolution_warned = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)
    resolution_running_since = models.DateTimeField(null=True, blank=True)
    resolution_used_seconds = models.PositiveIntegerField(default=0)
    resolution_paused_at = models.DateTimeField(null=True, blank=True)
    # Business seconds left while paused (shown as remaining_seconds); None otherwise.
    resolution_left_seconds = models.IntegerField(null=True, blank=True)
    # The earliest due time of a running metric: the tickets list sorts by it.
    next_due_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "ticket SLA"
        indexes = [
            models.Index(fields=["next_check_at"], name="ticket_sla_next_check"),
            models.Index(fields=["workspace", "next_due_at"], name="ticket_sla_next_due"),
        ]

    def __str__(self) -> str:
        return f"SLA of ticket {self.ticket_id}"


class SlaEvent(models.Model):
    """A warning, a breach or a target met, once per ticket, metric and kind (the unique
    constraint makes a second run of the timer job, or a second worker, a no-op). Records the
    assignee and team at that moment, for reports."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    metric = models.CharField(max_length=16, choices=SlaMetric.choices)
    kind = models.CharField(max_length=8, choices=SlaEventKind.choices)
    # None for a resolution met while paused: no due time was running.
    due_at = models.DateTimeField(null=True, blank=True)
    at = models.DateTimeField()
    assignee = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "metric", "kind"], name="sla_event_once_per_kind"
            )
        ]
        indexes = [models.Index(fields=["workspace", "at"], name="sla_event_workspace_at")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.metric} {self.kind}"

"""Automation rules (run by themselves on conversation events) and macros (applied by an agent
with one click). Both hold their conditions and actions as JSON validated by `schema.py`, so
adding a condition or an action needs no migration."""

from __future__ import annotations

from django.db import models

from parley.accounts.models import Member, Workspace
from parley.conversations.models import Conversation


class Event(models.TextChoices):
    # Once per conversation, when its first customer message is stored.
    CONVERSATION_CREATED = "conversation_created", "Conversation created"
    # Every customer message, the first one included.
    MESSAGE_CREATED = "message_created", "Customer message"
    # A member changed the status, priority, assignee, team or tags.
    CONVERSATION_UPDATED = "conversation_updated", "Conversation updated"


class Match(models.TextChoices):
    ALL = "all", "All conditions"
    ANY = "any", "Any condition"


class Rule(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    event = models.CharField(max_length=32, choices=Event.choices)
    match = models.CharField(max_length=8, choices=Match.choices, default=Match.ALL)
    conditions = models.JSONField(default=list, blank=True)
    actions = models.JSONField(default=list)
    # Evaluated in ascending position; a rule may stop the ones after it.
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    stop_processing = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["workspace", "event", "active", "position"])]

    def __str__(self) -> str:
        return self.name


class RuleRun(models.Model):
    """One rule firing on one conversation for one event instance, with what each action did.

    ``event_key`` names the instance (the conversation's creation, a message, an update at a
    seq): the unique constraint is what makes a rule fire at most once per instance."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="runs")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=32, choices=Event.choices)
    event_key = models.CharField(max_length=64)
    # [{"type": "set_priority", "ok": true, "detail": "high"}, …]
    results = models.JSONField(default=list)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "conversation", "event_key"], name="rule_run_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["rule", "-at"])]

    def __str__(self) -> str:
        return f"{self.rule_id} on #{self.conversation_id} ({self.event})"


class MacroScope(models.TextChoices):
    SHARED = "shared", "Shared"
    PERSONAL = "personal", "Personal"


class Macro(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    scope = models.CharField(max_length=16, choices=MacroScope.choices)
    # The agent a personal macro belongs to; None for shared ones.
    owner = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actions = models.JSONField(default=list)
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["workspace", "scope"])]

    def __str__(self) -> str:
        return self.name

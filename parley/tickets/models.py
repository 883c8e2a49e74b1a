"""Tickets: a conversation that carries a ticket number, a type, tags and custom fields.

The conversation stays the one model with the one message stream and the one status field;
a Ticket row only adds what a ticket has beyond a chat. Priority lives on the conversation.
``closed_at`` is the one state a ticket adds: a solved (resolved) ticket whose reopen window has
passed. A closed ticket is never reopened; a customer's reply starts a follow-up ticket.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models

from parley.accounts.models import Workspace
from parley.contacts.encryption import EncryptedTextField
from parley.contacts.models import Contact
from parley.conversations.models import Conversation
from parley.inboxes.models import Inbox

FIRST_NUMBER = 10001
DEFAULT_REOPEN_WINDOW = timedelta(days=4)


class CreatedVia(models.TextChoices):
    CONSOLE = "console", "Console"
    LEAVE_MESSAGE = "leave_message", "Leave a message"
    WEB_FORM = "web_form", "Web form"
    API = "api", "API"
    ESCALATION = "escalation", "Escalated chat"


class TicketCounter(models.Model):
    """The last ticket number handed out in a workspace; locked while the next is taken, so
    numbers are unique and have no gaps (a rolled-back ticket gives its number back)."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_number = models.PositiveIntegerField(default=FIRST_NUMBER - 1)

    def __str__(self) -> str:
        return f"{self.workspace_id}: #{self.last_number}"


class TicketSettings(models.Model):
    """A workspace's ticket settings; a workspace without a row uses the defaults."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    reopen_window = models.DurationField(default=DEFAULT_REOPEN_WINDOW)
    # Where the public web form's tickets arrive; the workspace's first inbox when unset.
    web_form_inbox = models.ForeignKey(
        Inbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "ticket settings"

    def __str__(self) -> str:
        return f"ticket settings of {self.workspace_id}"


class Tag(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="ticket_tag_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, primary_key=True, related_name="ticket"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=200, blank=True)
    type = models.CharField(max_length=60, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    # Values by custom field key, validated against the workspace's CustomFieldDefinitions.
    custom_fields = models.JSONField(default=dict, blank=True)
    # The values of the fields marked sensitive, as one JSON object encrypted with the
    # contacts' keys (never in ``custom_fields``); read both through parley/tickets/sensitive.py.
    sensitive_custom_fields = EncryptedTextField(blank=True, default="")
    created_via = models.CharField(max_length=16, choices=CreatedVia.choices)
    closed_at = models.DateTimeField(null=True, blank=True)
    follow_up_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "number"], name="ticket_number_unique")
        ]
        indexes = [models.Index(fields=["workspace", "closed_at"])]

    def __str__(self) -> str:
        return f"#{self.number}"

    @property
    def requester(self) -> Contact:
        return self.conversation.contact


class CustomFieldKind(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    CHOICE = "choice", "Choice"
    DATE = "date", "Date"


class CustomFieldDefinition(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    key = models.SlugField(max_length=40)
    label = models.CharField(max_length=80)
    kind = models.CharField(max_length=8, choices=CustomFieldKind.choices)
    required = models.BooleanField(default=False)
    # Values encrypted at rest and shown masked (docs/security.md, "Encryption at rest").
    sensitive = models.BooleanField(default=False)
    # The allowed values of a choice field.
    choices = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="custom_field_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


# The SLA tables live beside these in their own module; importing them here registers them.
from parley.tickets.sla_models import SlaEvent as SlaEvent  # noqa: E402
from parley.tickets.sla_models import SlaEventKind as SlaEventKind  # noqa: E402
from parley.tickets.sla_models import SlaMetric as SlaMetric  # noqa: E402
from parley.tickets.sla_models import SlaPolicy as SlaPolicy  # noqa: E402
from parley.tickets.sla_models import TicketSla as TicketSla  # noqa: E402

"""The log of e-mails sent to contacts: one row per (conversation, event), so an event is
e-mailed once however often it is scheduled, and the thread's Message-IDs for threading."""

from __future__ import annotations

from django.db import models

from parley.accounts.models import Workspace
from parley.conversations.models import Conversation


class OutboundEmail(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="outbound_emails"
    )
    # What the e-mail is about: "reply:<message id>", "solved:<event message id>",
    # "ticket:<ticket number>". Unique per conversation: the idempotency key.
    event_key = models.CharField(max_length=64)
    # Chosen when the row is made and kept across retries, so a retried send carries the same
    # Message-ID (a receiver that got the first attempt can tell it is the same e-mail).
    message_id = models.CharField(max_length=255, unique=True)
    to_address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A permanent refusal (5xx), or nothing to send: the contact has no address any more, or
    # read the reply in the widget before it was due to be e-mailed.
    failed_at = models.DateTimeField(null=True, blank=True)
    # Set while a worker is sending it: nobody else sends it until then.
    claimed_until = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "event_key"], name="outbound_email_event_unique"
            )
        ]
        indexes = [models.Index(fields=["conversation", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.event_key}"

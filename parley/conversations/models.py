"""Conversations and their timeline of messages.

Every entry of a timeline — text, files, status changes, assignment, call records — is a Message
with a per-conversation ``seq``, so a client that saw seq N can ask for everything after N and
miss nothing.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from parley.accounts.models import Member, Team, Workspace
from parley.contacts.models import Contact
from parley.inboxes.models import Inbox


class Status(models.TextChoices):
    BOT = "bot", "With the bot"
    QUEUED = "queued", "Queued"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending"
    RESOLVED = "resolved", "Resolved"


class Priority(models.IntegerChoices):
    LOW = 0, "Low"
    NORMAL = 1, "Normal"
    HIGH = 2, "High"
    URGENT = 3, "Urgent"


class Conversation(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="conversations")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="conversations")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    assignee = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned"
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    topic = models.CharField(max_length=80, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    # Since when it has waited for a person (the queue drains by priority, then this).
    queued_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    # The highest seq handed out; bumped under the row lock by `allocate_seq`.
    last_seq = models.PositiveBigIntegerField(default=0)
    contact_read_seq = models.PositiveBigIntegerField(default=0)
    last_activity_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # A member's first public reply: what first-response SLAs and KPIs measure.
    first_response_at = models.DateTimeField(null=True, blank=True)
    # Marked as spam (by an automation rule): resolved without a survey, left out of lists.
    spam = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "status", "-last_activity_at"]),
            models.Index(fields=["workspace", "assignee", "-last_activity_at"]),
            models.Index(fields=["inbox", "contact", "status"]),
            models.Index(fields=["inbox", "status", "-priority", "queued_at"]),
        ]

    def __str__(self) -> str:
        return f"Conversation #{self.pk} ({self.status})"


class SenderType(models.TextChoices):
    CONTACT = "contact", "Contact"
    AGENT = "agent", "Agent"
    BOT = "bot", "Bot"
    SYSTEM = "system", "System"


class MessageKind(models.TextChoices):
    TEXT = "text", "Text"
    IMAGE = "image", "Image"
    FILE = "file", "File"
    CALL = "call", "Call record"
    EVENT = "event", "Event"


class Message(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    seq = models.PositiveBigIntegerField()
    client_id = models.UUIDField(null=True, blank=True)
    sender_type = models.CharField(max_length=16, choices=SenderType.choices)
    sender_member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sender_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=MessageKind.choices, default=MessageKind.TEXT)
    body = models.TextField(blank=True)
    private = models.BooleanField(default=False)
    # Structured detail of events and calls (e.g. {"event": "status_changed", "to": "open"}).
    data = models.JSONField(default=dict, blank=True)
    # The body's words for search (see search_text.py); empty for events.
    search_words = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="message_seq_unique"),
            models.UniqueConstraint(
                fields=["conversation", "client_id"],
                condition=Q(client_id__isnull=False),
                name="message_client_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.conversation_id}.{self.seq} {self.kind}"


class ConversationRead(models.Model):
    """How far a member has read a conversation; unread counts come from this."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "conversation"], name="read_unique")
        ]

    def __str__(self) -> str:
        return f"member {self.member_id} read #{self.conversation_id} to {self.seq}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random folder per file: names never collide and are never guessable from the id.
    return f"attachments/{instance.workspace_id}/{uuid.uuid4().hex}/{filename}"


class AttachmentKind(models.TextChoices):
    IMAGE = "image", "Image"
    FILE = "file", "File"


class Attachment(models.Model):
    """An uploaded file; it belongs to the message it was sent with, once sent."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    uploaded_by_member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_by_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to=attachment_path, max_length=255)
    thumbnail = models.FileField(upload_to=attachment_path, max_length=255, blank=True)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=8, choices=AttachmentKind.choices)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.content_type}, {self.size} bytes)"


class CannedScope(models.TextChoices):
    PERSONAL = "personal", "Personal"
    TEAM = "team", "Team"
    WORKSPACE = "workspace", "Workspace"


class CannedResponse(models.Model):
    """A quick reply an agent inserts by typing `/shortcut`. The body may hold variables such
    as {{contact.name}}, filled in by the console when it is inserted."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=16, choices=CannedScope.choices)
    owner = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    shortcut = models.SlugField(max_length=40, allow_unicode=True)
    title = models.CharField(max_length=120)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "shortcut"])]

    def __str__(self) -> str:
        return f"/{self.shortcut}"


class CsatSource(models.TextChoices):
    WIDGET = "widget", "Widget"
    LINK = "link", "Signed link"


class CsatResponse(models.Model):
    """The customer's rating of one conversation: one row per conversation, made when it is
    resolved (the request) and filled in when the customer answers.

    The assignee, team and inbox are copied at resolve time, so results stay with the people who
    handled it even if the conversation moves later. Resolving it again (after a reopen) asks
    again on the same row: the snapshot and ``resolved_at`` move, ``answered_at`` is cleared and
    the earlier rating stays until the customer changes it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE, related_name="csat")
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="+")
    assignee = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the conversation was (last) resolved: the period results are counted in.
    resolved_at = models.DateTimeField()
    # The request can be answered until then; an answer can be changed for the edit window.
    expires_at = models.DateTimeField()
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True, default="")
    source = models.CharField(max_length=8, choices=CsatSource.choices, blank=True, default="")
    # The first answer to the current request; the edit window counts from it.
    answered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "resolved_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="csat_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"CSAT #{self.conversation_id}: {self.rating or '-'}"

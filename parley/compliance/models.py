"""Privacy settings of a workspace, the consents visitors gave, and the retention job's runs.

See docs/privacy.md: what is collected, how long it is kept, and how a contact's data is
exported or erased.
"""

from __future__ import annotations

from django.db import models

from parley.accounts.models import Workspace
from parley.contacts.models import Contact
from parley.inboxes.models import Inbox


class RetentionAction(models.TextChoices):
    DELETE = "delete", "Delete"
    ANONYMISE = "anonymise", "Anonymise"


def default_collect() -> list[str]:
    # Privacy by default: what a visitor's browser tells us (address, user agent) is off.
    return ["name", "email", "phone", "id_number", "attributes"]


class PrivacySettings(models.Model):
    """One row per workspace, made on first change; absent, the defaults below apply."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    notice_en = models.TextField(blank=True, default="")
    notice_zh = models.TextField(blank=True, default="")
    # Bumped by an admin when the notice changes in substance: visitors are asked again.
    notice_version = models.PositiveIntegerField(default=1)
    consent_required = models.BooleanField(default=False)
    # The contact fields the server keeps at all (parley/compliance/policy.py COLLECTABLE).
    collect = models.JSONField(default=default_collect)
    # Days after a conversation's last activity (resolved ones only) / an attachment's upload
    # before the retention job removes them; null: kept.
    conversation_days = models.PositiveIntegerField(null=True, blank=True)
    attachment_days = models.PositiveIntegerField(null=True, blank=True)
    retention_action = models.CharField(
        max_length=10, choices=RetentionAction.choices, default=RetentionAction.ANONYMISE
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "privacy settings"

    def __str__(self) -> str:
        return f"privacy settings of workspace {self.workspace_id}"


class ConsentRecord(models.Model):
    """A visitor accepted (or declined) one version of the workspace's privacy notice.

    Kept when the contact is erased (the contact row stays, anonymised): it is the proof that
    processing had a basis. The address is truncated (/24, /48) and only kept where the
    workspace collects addresses at all."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="consents")
    inbox = models.ForeignKey(Inbox, on_delete=models.SET_NULL, null=True, related_name="+")
    notice_version = models.PositiveIntegerField()
    accepted = models.BooleanField(default=True)
    ip_prefix = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["contact", "notice_version"]),
            models.Index(fields=["workspace", "created_at"]),
        ]

    def __str__(self) -> str:
        verb = "accepted" if self.accepted else "declined"
        return f"contact {self.contact_id} {verb} notice v{self.notice_version}"


class RetentionRun(models.Model):
    """What one run of the retention job did in one workspace."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    action = models.CharField(max_length=10, choices=RetentionAction.choices)
    conversation_days = models.PositiveIntegerField(null=True, blank=True)
    attachment_days = models.PositiveIntegerField(null=True, blank=True)
    conversations = models.PositiveIntegerField(default=0)
    messages = models.PositiveIntegerField(default=0)
    attachments = models.PositiveIntegerField(default=0)
    files = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["workspace", "-started_at"])]

    def __str__(self) -> str:
        return f"retention run {self.started_at:%Y-%m-%d %H:%M} ({self.action})"

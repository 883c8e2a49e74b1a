"""Generated history for the privacy tests: conversations with messages, attachments (files on
disk), tickets and CSAT answers, resolved and aged, with their reporting events rolled up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.db.models import Count, Sum
from django.utils import timezone

from parley.accounts.models import Member
from parley.analytics.models import DailyRollup, HourlyRollup, ReportingEvent
from parley.analytics.rollups import rollups_fill
from parley.contacts.models import Contact
from parley.conversations.attachments import attachment_upload
from parley.conversations.models import Attachment, Conversation, CsatResponse, Status
from parley.conversations.services import (
    Sender,
    conversation_set_status,
    conversation_start,
    message_send,
)
from parley.conversations.services.csat import csat_submit
from parley.inboxes.models import Inbox

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Story:
    conversation: Conversation
    attachment: Attachment
    file_path: Path


def conversation_with_history(
    *,
    inbox: Inbox,
    contact: Contact,
    agent: Member,
    age_days: int,
    resolve: bool = True,
    rating: int | None = 4,
) -> Story:
    conversation = conversation_start(inbox=inbox, contact=contact)
    message_send(
        conversation=conversation,
        sender=Sender.of_contact(contact),
        body="My phone is 13812345678, e-mail li@example.test",
    )
    upload = attachment_upload(
        workspace=inbox.workspace, content=PDF, name="invoice-li.pdf", member_id=agent.pk
    )
    message_send(
        conversation=conversation,
        sender=Sender.of_member(agent),
        body="Thanks Li, here is the invoice for 北京市朝阳区",
        attachment_ids=[upload.pk],
    )
    if resolve:
        conversation_set_status(conversation=conversation, status=Status.RESOLVED, actor=agent)
        if rating is not None:
            csat_submit(conversation=conversation, rating=rating, comment="Li was great")
    then = timezone.now() - timedelta(days=age_days)
    Conversation.objects.filter(pk=conversation.pk).update(last_activity_at=then)
    Attachment.objects.filter(pk=upload.pk).update(created_at=then)
    upload.refresh_from_db()
    conversation.refresh_from_db()
    return Story(conversation=conversation, attachment=upload, file_path=Path(upload.file.path))


def statistics(workspace_id: int) -> dict[str, object]:
    """What dashboards, KPIs and CSAT counts read: must be the same before and after."""
    rollups_fill()
    return {
        "events": dict(
            ReportingEvent.objects.filter(workspace_id=workspace_id)
            .values_list("kind")
            .annotate(n=Count("pk"))
            .values_list("kind", "n")
        ),
        "hourly": list(
            HourlyRollup.objects.filter(workspace_id=workspace_id)
            .order_by("hour", "kind", "inbox_id", "team_id", "member_id")
            .values_list("kind", "count", "value_sum")
        ),
        "daily": DailyRollup.objects.filter(workspace_id=workspace_id).aggregate(
            n=Sum("count"), v=Sum("value_sum")
        ),
        "csat": sorted(
            CsatResponse.objects.filter(workspace_id=workspace_id).values_list(
                "conversation_id", "rating"
            )
        ),
        "conversations": Conversation.objects.filter(workspace_id=workspace_id).count(),
    }

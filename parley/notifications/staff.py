"""E-mails to staff about a ticket (SLA warnings and breaches), sent through the same log and
sender as the customers' e-mails (parley/notifications/services.py): one ``OutboundEmail``
row per (conversation, ``sla:<event id>:<member id>``), so each person gets each alert once.

Unlike a customer's e-mail, a staff alert carries no reply address and no thread headers: it
is not part of the conversation with the customer, and a reply to it must not land there."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString

from parley.accounts.models import Member
from parley.conversations.models import Conversation
from parley.notifications.compose import Content, topic_of
from parley.privacy.mask import mask_text

SLA = "sla"

_WHAT = {
    ("warning", "first_response"): ("First response due soon", "首次响应即将超时"),
    ("warning", "resolution"): ("Resolution due soon", "解决时限即将到期"),
    ("breached", "first_response"): ("First response target breached", "首次响应已超时"),
    ("breached", "resolution"): ("Resolution target breached", "解决时限已超时"),
}


def is_staff_key(event_key: str) -> bool:
    return event_key.startswith(f"{SLA}:")


def send_sla_alert(*, conversation_id: int, event_id: int, member_ids: list[int]) -> None:
    """After commit, queue one e-mail per member for an SLA event."""
    if not settings.PARLEY_EMAIL_NOTIFICATIONS:
        return
    from parley.notifications.tasks import deliver_email

    for member_id in member_ids:
        key = f"{SLA}:{event_id}:{member_id}"
        transaction.on_commit(
            lambda key=key: deliver_email.apply_async((conversation_id, key)),  # type: ignore[misc]
            robust=True,
        )


def staff_recipient(conversation: Conversation, event_key: str) -> str:
    """The address of the member a staff e-mail is for; empty if they left the workspace."""
    member_id = int(event_key.rsplit(":", 1)[1])
    member = (
        Member.objects.select_related("user")
        .filter(pk=member_id, workspace_id=conversation.workspace_id, is_active=True)
        .first()
    )
    return member.user.email if member else ""


def sla_alert(conversation: Conversation, event_key: str, ticket_number: str | None) -> Content:
    from parley.tickets.sla_models import SlaEvent  # notifications sit below tickets

    event_id = int(event_key.split(":")[1])
    event = SlaEvent.objects.get(pk=event_id, ticket_id=conversation.pk)
    english, chinese = _WHAT[(event.kind, event.metric)]
    number = f"#{ticket_number}" if ticket_number else f"#{conversation.pk}"
    # Staff see personal data masked in e-mails too (docs/security.md, "PII masking").
    topic = " ".join(mask_text(topic_of(conversation)).split())
    due = event.due_at.strftime("%Y-%m-%d %H:%M UTC") if event.due_at else "-"
    slug = conversation.inbox.workspace.slug
    link = f"{settings.PARLEY_PUBLIC_URL.rstrip('/')}/app/{slug}/tickets/{conversation.pk}"
    lines = [
        f"Ticket {number}: {topic}",
        f"{english} (due {due}).",
        f"{chinese}（到期时间 {due}）。",
        f"Open the ticket / 打开工单: {link}",
    ]
    # Every line is escaped before it is marked safe.
    html = SafeString(  # nosec B703
        "<html><body>" + "".join(linebreaks(escape(line)) for line in lines) + "</body></html>"
    )
    return Content(subject=f"[{number}] {english}: {topic}", text="\n\n".join(lines), html=html)

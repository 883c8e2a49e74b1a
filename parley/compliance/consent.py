"""The privacy notice a widget shows and the visitor's consent to it.

A workspace that requires consent refuses to start a conversation for a contact who has not
accepted the current notice version (``consent_required``, 403): the widget shows the notice
first, and a new version asks again. Conversations already going on continue.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import transaction

from parley.compliance.models import ConsentRecord
from parley.compliance.policy import privacy_settings_get
from parley.contacts.models import Contact
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox


def truncate_address(address: str) -> str:
    """The network, not the host: /24 of an IPv4 address, /48 of an IPv6 one."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def has_consented(*, contact: Contact, version: int) -> bool:
    latest = (
        ConsentRecord.objects.filter(contact=contact, notice_version=version)
        .order_by("-created_at", "-pk")
        .values_list("accepted", flat=True)
        .first()
    )
    return bool(latest)


def widget_privacy(*, contact: Contact, locale: str) -> dict[str, Any] | None:
    """What the widget's session answer carries: the notice in the visitor's language, its
    version, whether consent is required and whether this contact gave it. None when the
    workspace has neither a notice nor a consent requirement."""
    settings = privacy_settings_get(workspace_id=contact.workspace_id)
    text = settings.notice_zh if locale.lower().startswith("zh") else settings.notice_en
    text = text or settings.notice_en or settings.notice_zh
    if not text and not settings.consent_required:
        return None
    return {
        "notice": text,
        "version": settings.notice_version,
        "consent_required": settings.consent_required,
        "consented": has_consented(contact=contact, version=settings.notice_version),
    }


def ensure_consent(*, contact: Contact) -> None:
    """Refuse a new conversation where consent is required and not given for this version."""
    settings = privacy_settings_get(workspace_id=contact.workspace_id)
    if settings.consent_required and not has_consented(
        contact=contact, version=settings.notice_version
    ):
        raise ApplicationError(
            ErrorCode.CONSENT_REQUIRED,
            "Accept the privacy notice before starting a conversation.",
            extra={"notice_version": settings.notice_version},
        )


@transaction.atomic
def consent_record(
    *, contact: Contact, inbox: Inbox, notice_version: int, accepted: bool, address: str = ""
) -> ConsentRecord:
    """The visitor answered the notice. Only the current version can be answered: an answer to
    an older one (a page open since before the change) is refused, and the widget asks again."""
    settings = privacy_settings_get(workspace_id=contact.workspace_id)
    if notice_version != settings.notice_version:
        raise ApplicationError(
            ErrorCode.INVALID,
            "That is not the current version of the privacy notice.",
            fields={"notice_version": "outdated"},
            extra={"notice_version": settings.notice_version},
        )
    return ConsentRecord.objects.create(
        workspace_id=contact.workspace_id,
        contact=contact,
        inbox=inbox,
        notice_version=notice_version,
        accepted=accepted,
        ip_prefix=truncate_address(address) if "ip" in settings.collect else "",
    )

"""Reads for the compliance report page (admins)."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.db.models import Count, Exists, OuterRef, Q

from parley.accounts.models import AuditEvent
from parley.compliance.models import ConsentRecord, RetentionRun
from parley.compliance.policy import privacy_settings_get, settings_payload
from parley.contacts.models import Contact

REQUEST_ACTIONS = ("privacy.contact_exported", "privacy.contact_erased")
SETTINGS_ACTION = "privacy.settings_changed"


def run_payload(run: RetentionRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "action": run.action,
        "conversation_days": run.conversation_days,
        "attachment_days": run.attachment_days,
        "conversations": run.conversations,
        "messages": run.messages,
        "attachments": run.attachments,
        "files": run.files,
    }


def encryption_status() -> dict[str, Any]:
    """Where the keys come from and how many there are; never a key itself."""
    keys = list(django_settings.PARLEY_ENCRYPTION_KEYS)
    return {
        "encryption_keys": len(keys) or 1,
        "encryption_key_source": "environment" if keys else "data_directory",
        "blind_index_key_source": (
            "environment" if django_settings.PARLEY_BLIND_INDEX_KEY else "data_directory"
        ),
        "rotation_pending": len(keys) > 1,
    }


def compliance_report(*, workspace_id: int) -> dict[str, Any]:
    settings = privacy_settings_get(workspace_id=workspace_id)
    consents = ConsentRecord.objects.filter(workspace_id=workspace_id)
    # A contact's latest answer to the current version counts (declined, then accepted: accepted).
    current = consents.filter(notice_version=settings.notice_version).filter(
        ~Exists(
            ConsentRecord.objects.filter(
                contact=OuterRef("contact"),
                notice_version=OuterRef("notice_version"),
                pk__gt=OuterRef("pk"),
            )
        )
    )
    by_version = [
        {"notice_version": row["notice_version"], "accepted": row["yes"], "declined": row["no"]}
        for row in consents.values("notice_version")
        .annotate(
            yes=Count("pk", filter=Q(accepted=True)), no=Count("pk", filter=Q(accepted=False))
        )
        .order_by("-notice_version")[:10]
    ]
    requests = (
        AuditEvent.objects.filter(workspace_id=workspace_id, action__in=REQUEST_ACTIONS)
        .select_related("actor__user")
        .order_by("-seq")[:20]
    )
    contacts = Contact.objects.filter(workspace_id=workspace_id)
    return {
        "settings": settings_payload(settings),
        "retention_runs": [
            run_payload(r)
            for r in RetentionRun.objects.filter(workspace_id=workspace_id).order_by(
                "-started_at", "-pk"
            )[:10]
        ],
        "consents": {
            "total": consents.count(),
            "current_version_accepted": current.filter(accepted=True)
            .values("contact_id")
            .distinct()
            .count(),
            "current_version_declined": current.filter(accepted=False)
            .values("contact_id")
            .distinct()
            .count(),
            "by_version": by_version,
        },
        "requests": [
            {
                "action": e.action.removeprefix("privacy.contact_"),
                "contact": int(e.target_id),
                "actor": e.actor.user.email if e.actor is not None else e.actor_label,
                "at": e.created_at.isoformat(),
                "data": e.data,
            }
            for e in requests
        ],
        "encryption": {
            **encryption_status(),
            "encrypted_values": contacts.filter(
                ~Q(phone_index="") | ~Q(id_number_index="")
            ).count(),
        },
        "settings_changes": AuditEvent.objects.filter(
            workspace_id=workspace_id, action=SETTINGS_ACTION
        ).count(),
    }

"""An audit entry on the wire and in exports."""

from __future__ import annotations

import json
from typing import Any, TypedDict

from parley.accounts.models import AuditEvent


class AuditActor(TypedDict):
    id: int | None
    name: str
    email: str


class AuditEntryPayload(TypedDict):
    id: int
    seq: int
    created_at: str
    actor: AuditActor
    action: str
    target_type: str
    target_id: str
    data: dict[str, Any]
    hash: str


def actor_payload(event: AuditEvent) -> AuditActor:
    actor = event.actor
    if actor is None:
        # A deleted member keeps their label; system jobs have none.
        return {"id": None, "name": event.actor_label, "email": ""}
    return {"id": actor.pk, "name": actor.name, "email": actor.user.email}


def audit_entry_payload(event: AuditEvent) -> AuditEntryPayload:
    return {
        "id": event.pk,
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "actor": actor_payload(event),
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "data": event.data,
        "hash": event.hash,
    }


CSV_COLUMNS = [
    "seq",
    "created_at",
    "actor_id",
    "actor_email",
    "action",
    "target_type",
    "target_id",
    "data",
    "hash",
]


def audit_csv_row(event: AuditEvent) -> list[str]:
    actor = actor_payload(event)
    return [
        str(event.seq),
        event.created_at.isoformat(),
        "" if actor["id"] is None else str(actor["id"]),
        actor["email"] or actor["name"],
        event.action,
        event.target_type,
        event.target_id,
        json.dumps(event.data, ensure_ascii=False, sort_keys=True),
        event.hash,
    ]

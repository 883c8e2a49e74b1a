"""The audit log's hash chain: each entry holds the hash of the one before it in its
workspace, so changing, removing or inserting an entry breaks every hash after it.

This module holds the pure parts (the canonical form of an entry and its hash) so the data
migration that chained the rows already stored and `parley audit verify` compute exactly what
`audit_record` does.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

# The hash the first entry of every workspace's chain points back to.
GENESIS = "0" * 64


def canonical(
    *,
    workspace_id: int,
    seq: int,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    data: dict[str, Any],
    created_at: datetime,
) -> str:
    """One entry as stable text. The actor is the label kept on the row, not its foreign key:
    deleting a user sets the key to null, which must not look like tampering."""
    return json.dumps(
        {
            "workspace": workspace_id,
            "seq": seq,
            "actor": actor_label,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "data": data,
            "created_at": created_at.astimezone(UTC).isoformat(),
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def entry_hash(prev_hash: str, canonical_text: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical_text}".encode()).hexdigest()


# A namespace for PostgreSQL advisory locks, so the chain's lock never meets another's.
_LOCK_NAMESPACE = 0x41554454  # "AUDT"


def lock_chain(workspace_id: int) -> None:
    """Serialise appends to one workspace's chain until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock (a row lock on the workspace would also
    block every insert that references it). SQLite: Parley opens every transaction with BEGIN
    IMMEDIATE, which already admits one writer at a time. Either way the unique (workspace,
    seq) constraint turns a fork that slipped through into an error instead."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, workspace_id])


def link(entries: list[Any]) -> None:
    """Number and hash unsaved AuditEvents (all of one workspace) after the chain's head.
    Call under `lock_chain` in the transaction that inserts them."""
    if not entries:
        return
    model = type(entries[0])
    workspace_id = entries[0].workspace_id
    if any(e.workspace_id != workspace_id for e in entries):
        raise ValueError("One chain at a time: the entries belong to different workspaces.")
    head = (
        model.objects.filter(workspace_id=workspace_id)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    seq, prev = head if head is not None else (0, GENESIS)
    for entry in entries:
        seq += 1
        entry.seq = seq
        entry.prev_hash = prev
        entry.actor_label = entry.actor_label or actor_label_of(entry.actor_id)
        entry.hash = entry_hash(prev, canonical_of(entry))
        prev = entry.hash


def actor_label_of(actor_id: int | None) -> str:
    return f"member:{actor_id}" if actor_id is not None else ""


def canonical_of(entry: Any) -> str:
    return canonical(
        workspace_id=entry.workspace_id,
        seq=entry.seq,
        actor_label=entry.actor_label,
        action=entry.action,
        target_type=entry.target_type,
        target_id=entry.target_id,
        data=entry.data,
        created_at=entry.created_at,
    )

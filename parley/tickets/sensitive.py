"""Custom fields marked sensitive: where their values live and how staff see them.

A ticket keeps the values of ordinary fields in ``Ticket.custom_fields`` (JSON) and the values
of sensitive fields in ``Ticket.sensitive_custom_fields``: one JSON object encrypted with the
contacts' MultiFernet keys (parley/contacts/encryption.py), so the database and its backups
never hold them in clear. Every reader goes through :func:`ticket_custom_fields`, which merges
the two, so a ticket reads the same whichever column a value is in (also half-way through
turning a field's flag on or off).

No product filter or search looks inside custom field values, so sensitive values have no
blind index (docs/security.md, "Encryption at rest").
"""

from __future__ import annotations

import json
from typing import Any

from parley.privacy.mask import mask_data, mask_field
from parley.tickets.models import CustomFieldDefinition, Ticket


def sealed_values(ticket: Ticket) -> dict[str, Any]:
    """The ticket's sensitive values in clear (decrypted when the row was read)."""
    if not ticket.sensitive_custom_fields:
        return {}
    values = json.loads(ticket.sensitive_custom_fields)
    return values if isinstance(values, dict) else {}


def ticket_custom_fields(ticket: Ticket) -> dict[str, Any]:
    """Every custom field value of the ticket, in clear."""
    sealed = sealed_values(ticket)
    if not sealed:
        return dict(ticket.custom_fields)
    return {**ticket.custom_fields, **sealed}


def sensitive_keys(*, workspace_id: int) -> frozenset[str]:
    return frozenset(
        CustomFieldDefinition.objects.filter(workspace_id=workspace_id, sensitive=True).values_list(
            "key", flat=True
        )
    )


def keys_to_seal(*, workspace_id: int, ticket: Ticket) -> frozenset[str]:
    """The keys a ticket's values are stored under encrypted: those of sensitive fields, and
    those already sealed whose field was deleted since (its values stay as they were)."""
    definitions = dict(
        CustomFieldDefinition.objects.filter(workspace_id=workspace_id).values_list(
            "key", "sensitive"
        )
    )
    marked = {key for key, sensitive in definitions.items() if sensitive}
    orphans = {key for key in sealed_values(ticket) if key not in definitions}
    return frozenset(marked | orphans)


def custom_fields_store(ticket: Ticket, values: dict[str, Any], sealed: frozenset[str]) -> None:
    """Put ``values`` on the ticket (unsaved): the keys in ``sealed`` into the encrypted
    column, the rest into ``custom_fields``. Save both columns."""
    ticket.custom_fields = {k: v for k, v in values.items() if k not in sealed}
    secret = {k: v for k, v in values.items() if k in sealed}
    ticket.sensitive_custom_fields = (
        json.dumps(secret, ensure_ascii=False, sort_keys=True) if secret else ""
    )


def mask_sensitive(value: Any) -> str:
    """A sensitive value as staff see it: all but its last four characters hidden (a short
    one wholly), whatever its kind, since the field is personal data as a whole."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return mask_field(text) if len(text) > 6 else "*" * len(text)


def custom_fields_shown(ticket: Ticket) -> dict[str, Any]:
    """The values as staff see them: personal data inside ordinary values masked, sensitive
    values masked as a whole; the clear values come through the audited ticket reveal."""
    shown = dict(mask_data(ticket.custom_fields))
    for key, value in sealed_values(ticket).items():
        shown[key] = mask_sensitive(value)
    return shown


def custom_fields_audit(values: dict[str, Any], sealed: frozenset[str]) -> dict[str, Any]:
    """What the audit log may keep of a change: sensitive values are named, never written
    (the log is append-only; a value in it could never be erased)."""
    return {k: ("[sensitive]" if k in sealed else v) for k, v in values.items()}

"""Custom field definitions: admins define what every ticket of the workspace may carry."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from parley.accounts.models import Member, Role
from parley.accounts.services import audit_record
from parley.errors import ApplicationError, ErrorCode
from parley.tickets.models import CustomFieldDefinition, CustomFieldKind
from parley.tickets.services.sealing import tickets_custom_fields_reseal

CHOICES_MAX = 50


def _require_admin(actor: Member) -> None:
    if actor.role not in (Role.OWNER, Role.ADMIN):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Only admins define ticket custom fields."
        )


def _clean_choices(kind: str, choices: list[Any]) -> list[str]:
    if kind != CustomFieldKind.CHOICE:
        return []
    cleaned = [str(c).strip() for c in choices if str(c).strip()]
    if not cleaned or len(cleaned) > CHOICES_MAX or len(set(cleaned)) != len(cleaned):
        raise ApplicationError(
            ErrorCode.INVALID,
            f"A choice field needs 1 to {CHOICES_MAX} different choices.",
            fields={"choices": f"1 to {CHOICES_MAX} different values"},
        )
    return cleaned


@transaction.atomic
def custom_field_create(
    *,
    actor: Member,
    key: str,
    label: str,
    kind: str,
    required: bool = False,
    choices: list[Any] | None = None,
    position: int = 0,
    sensitive: bool = False,
) -> CustomFieldDefinition:
    _require_admin(actor)
    if kind not in CustomFieldKind.values:
        raise ApplicationError(ErrorCode.INVALID, "Unknown field kind.", fields={"kind": "unknown"})
    try:
        with transaction.atomic():
            definition = CustomFieldDefinition.objects.create(
                workspace_id=actor.workspace_id,
                key=key,
                label=label,
                kind=kind,
                required=required,
                choices=_clean_choices(kind, choices or []),
                position=position,
                sensitive=sensitive,
            )
    except IntegrityError as exc:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"A custom field with the key {key!r} exists.",
            fields={"key": "already used"},
        ) from exc
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="ticket.custom_field_created",
        target=definition,
        data={"key": key, "kind": kind, "sensitive": sensitive},
    )
    return definition


def custom_field_update(
    *,
    actor: Member,
    definition: CustomFieldDefinition,
    label: str | None = None,
    required: bool | None = None,
    choices: list[Any] | None = None,
    position: int | None = None,
    sensitive: bool | None = None,
) -> CustomFieldDefinition:
    """The key and kind stay: tickets store values by key, in the kind's form.

    Turning ``sensitive`` on or off moves the field's values of every ticket of the workspace
    into or out of the encrypted column, in batches after the change is committed
    (services/sealing.py); an interrupted run is finished by ``parley rotate_keys``."""
    _require_admin(actor)
    with transaction.atomic():
        changed = _definition_change(
            actor=actor,
            definition=definition,
            label=label,
            required=required,
            choices=choices,
            position=position,
            sensitive=sensitive,
        )
    if "sensitive" in changed:
        tickets_custom_fields_reseal(workspace_id=definition.workspace_id)
    return definition


def _definition_change(
    *,
    actor: Member,
    definition: CustomFieldDefinition,
    label: str | None,
    required: bool | None,
    choices: list[Any] | None,
    position: int | None,
    sensitive: bool | None,
) -> dict[str, Any]:
    given: dict[str, Any] = {
        "label": label,
        "required": required,
        "choices": _clean_choices(definition.kind, choices) if choices is not None else None,
        "position": position,
        "sensitive": sensitive,
    }
    # Only what differs: the console sends the whole form, and the audit record (and the move
    # of every ticket's values when ``sensitive`` changes) must follow real changes only.
    changed = {
        name: value
        for name, value in given.items()
        if value is not None and value != getattr(definition, name)
    }
    for name, value in changed.items():
        setattr(definition, name, value)
    if changed:
        definition.save(update_fields=list(changed))
        audit_record(
            workspace=actor.workspace,
            actor=actor,
            action="ticket.custom_field_updated",
            target=definition,
            data={**changed, "key": definition.key},
        )
    return changed


@transaction.atomic
def custom_field_delete(*, actor: Member, definition: CustomFieldDefinition) -> None:
    """Tickets keep the values they had; they are no longer validated or required."""
    _require_admin(actor)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="ticket.custom_field_deleted",
        target=definition,
        data={"key": definition.key},
    )
    definition.delete()

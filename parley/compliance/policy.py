"""A workspace's privacy settings: the notice, consent, what is collected, how long it is kept.

Reading them is one query (or none where nothing needs filtering); changing them is an admin's
audited action. ``minimise`` is what every entry point that takes contact data calls
(parley/contacts/services.py): a field the workspace does not collect is dropped there.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from parley.accounts.models import Member, Role
from parley.accounts.services import audit_record
from parley.compliance.models import PrivacySettings, RetentionAction, default_collect
from parley.errors import ApplicationError, ErrorCode

# Contact data a workspace can choose to collect or not (docs/privacy.md, "Data minimisation").
COLLECTABLE = ("name", "email", "phone", "id_number", "attributes", "ip", "user_agent")
NOTICE_MAX = 4000
DAYS_MAX = 3650


def privacy_settings_get(*, workspace_id: int) -> PrivacySettings:
    """The stored settings, or the defaults (unsaved) when an admin never changed them."""
    found = PrivacySettings.objects.filter(workspace_id=workspace_id).first()
    return found if found is not None else PrivacySettings(workspace_id=workspace_id)


def collected_fields(*, workspace_id: int) -> frozenset[str]:
    return frozenset(privacy_settings_get(workspace_id=workspace_id).collect)


def minimise(*, workspace_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` without the fields this workspace does not collect (given as empty: the
    callers treat an empty value as "not given"). No query when nothing was given."""
    given = {k for k, v in values.items() if v}
    if not given:
        return values
    collect = collected_fields(workspace_id=workspace_id)
    return {
        k: (v if k in collect or k not in COLLECTABLE else _empty(v)) for k, v in values.items()
    }


def _empty(value: Any) -> Any:
    return {} if isinstance(value, dict) else None if value is None else type(value)()


def _check(changes: dict[str, Any]) -> dict[str, Any]:
    """Every problem at once, by field; nothing is saved unless all is well."""
    problems: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for key in ("notice_en", "notice_zh"):
        if key in changes:
            value = changes[key]
            if not isinstance(value, str) or len(value) > NOTICE_MAX:
                problems[key] = f"Text of at most {NOTICE_MAX} characters."
            else:
                clean[key] = value.strip()
    if "consent_required" in changes:
        if not isinstance(changes["consent_required"], bool):
            problems["consent_required"] = "true or false."
        else:
            clean["consent_required"] = changes["consent_required"]
    if "collect" in changes:
        collect = changes["collect"]
        if not isinstance(collect, list) or not set(collect) <= set(COLLECTABLE):
            problems["collect"] = f"A list among {', '.join(COLLECTABLE)}."
        else:
            clean["collect"] = [f for f in COLLECTABLE if f in collect]
    for key in ("conversation_days", "attachment_days"):
        if key in changes:
            days = changes[key]
            valid = days is None or (
                isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= DAYS_MAX
            )
            if not valid:
                problems[key] = f"A number of days from 1 to {DAYS_MAX}, or null (kept)."
            else:
                clean[key] = days
    if "retention_action" in changes:
        if changes["retention_action"] not in RetentionAction.values:
            problems["retention_action"] = "delete or anonymise."
        else:
            clean["retention_action"] = changes["retention_action"]
    if problems:
        raise ApplicationError(
            ErrorCode.INVALID, "Some privacy settings are not valid.", fields=problems
        )
    return clean


@transaction.atomic
def privacy_settings_update(
    *, actor: Member, changes: dict[str, Any], new_notice_version: bool = False
) -> PrivacySettings:
    """An owner or admin changes the settings. ``new_notice_version`` bumps the notice's
    version: every visitor is asked to consent again."""
    if actor.role not in (Role.OWNER, Role.ADMIN):
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Only admins change privacy settings.")
    clean = _check(changes)
    current = (
        PrivacySettings.objects.select_for_update().filter(workspace_id=actor.workspace_id).first()
    )
    if current is None:
        current = PrivacySettings(workspace_id=actor.workspace_id, collect=default_collect())
    before = {key: getattr(current, key) for key in clean}
    for key, value in clean.items():
        setattr(current, key, value)
    if new_notice_version:
        current.notice_version += 1
    current.save()
    changed = sorted(k for k in clean if before[k] != clean[k])
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="privacy.settings_changed",
        target=actor.workspace,
        data={
            "changed": changed,
            "notice_version": current.notice_version,
            "new_notice_version": new_notice_version,
            # The settings themselves are not personal data: the record says what they became.
            "values": {k: clean[k] for k in changed if not k.startswith("notice_")},
        },
    )
    return current


def settings_payload(settings: PrivacySettings) -> dict[str, Any]:
    return {
        "notice": {"en": settings.notice_en, "zh": settings.notice_zh},
        "notice_version": settings.notice_version,
        "consent_required": settings.consent_required,
        "collect": list(settings.collect),
        "collectable": list(COLLECTABLE),
        "retention": {
            "conversation_days": settings.conversation_days,
            "attachment_days": settings.attachment_days,
            "action": settings.retention_action,
        },
        "updated_at": settings.updated_at.isoformat() if settings.updated_at else None,
    }

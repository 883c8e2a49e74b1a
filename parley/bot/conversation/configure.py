"""An admin's bot settings: an inbox's bot (in ``inbox.settings["bot"]``) and the workspace's
generation endpoint. Checked before anything is saved, audited; the API key is write-only."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import InvalidToken
from django.db import transaction

from parley.accounts.models import Member, Role
from parley.accounts.services import audit_record
from parley.bot.conversation.settings import BotSettings, bot_settings, parse_bot_settings
from parley.bot.generate import check_base_url
from parley.bot.models import BotGenerationConfig
from parley.contacts.encryption import decrypt, encrypt
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox, InboxKind

logger = logging.getLogger(__name__)


def _admin_only(actor: Member) -> None:
    if actor.role not in (Role.OWNER, Role.ADMIN):
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Only admins configure the bot.")


@transaction.atomic
def bot_settings_configure(*, inbox: Inbox, actor: Member, raw: dict[str, Any]) -> BotSettings:
    _admin_only(actor)
    if actor.workspace_id != inbox.workspace_id:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such inbox.")
    if inbox.kind != InboxKind.WIDGET:
        raise ApplicationError(
            ErrorCode.INVALID,
            "Only chat widget inboxes have a bot.",
            fields={"inbox": "not a widget"},
        )
    locked = Inbox.objects.select_for_update().get(pk=inbox.pk)
    # A change names only what changes; the rest stays as stored.
    checked = parse_bot_settings({**bot_settings(locked).as_dict(), **raw})
    locked.settings = {**locked.settings, "bot": checked.as_dict()}
    locked.save(update_fields=["settings"])
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="bot.settings_changed",
        target=locked,
        data={"enabled": checked.enabled, "changed": sorted(raw)},
    )
    return checked


@dataclass(frozen=True)
class GenerationInput:
    enabled: bool
    base_url: str
    model: str
    timeout_seconds: float
    api_key: str | None = None  # None keeps the stored key; "" removes it


@transaction.atomic
def bot_generation_configure(*, actor: Member, data: GenerationInput) -> BotGenerationConfig:
    _admin_only(actor)
    base_url = data.base_url.strip()
    if base_url:
        base_url = check_base_url(base_url)
    if data.enabled and (not base_url or not data.model.strip()):
        raise ApplicationError(
            ErrorCode.INVALID,
            "Generated answers need a base URL and a model.",
            fields={"base_url": "required", "model": "required"},
        )
    if not 1 <= data.timeout_seconds <= 60:
        raise ApplicationError(
            ErrorCode.INVALID, "A timeout of 1 to 60 seconds.", fields={"timeout_seconds": "range"}
        )
    config, _ = BotGenerationConfig.objects.select_for_update().get_or_create(
        workspace_id=actor.workspace_id
    )
    config.enabled = data.enabled
    config.base_url = base_url
    config.model = data.model.strip()
    config.timeout_seconds = data.timeout_seconds
    key_changed = data.api_key is not None
    if data.api_key is not None:
        key = data.api_key.strip()
        config.api_key = encrypt(key) if key else ""
    config.save()
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="bot.generation_changed",
        target=actor.workspace,
        # Never the key itself: only that it changed.
        data={
            "enabled": config.enabled,
            "base_url": config.base_url,
            "model": config.model,
            "api_key_changed": key_changed,
        },
    )
    return config


def generation_payload(config: BotGenerationConfig | None) -> dict[str, Any]:
    """What the API shows; the key only as "is there one"."""
    if config is None:
        return {
            "enabled": False,
            "base_url": "",
            "model": "",
            "timeout_seconds": 8.0,
            "has_api_key": False,
        }
    return {
        "enabled": config.enabled,
        "base_url": config.base_url,
        "model": config.model,
        "timeout_seconds": config.timeout_seconds,
        "has_api_key": bool(config.api_key),
    }


def generation_api_key(config: BotGenerationConfig) -> str:
    """The stored key in clear, for the one request that sends it; "" when it cannot be
    decrypted (its encryption key was removed): the call then fails and the bot falls back."""
    if not config.api_key:
        return ""
    try:
        return decrypt(config.api_key)
    except InvalidToken:
        logger.warning("bot generation key of workspace %s cannot be decrypted", config.pk)
        return ""

"""What every knowledge-base write shares: who may write, the version stamp, field checks."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from parley.accounts.models import Member
from parley.bot.models import KbLocale, KnowledgeBaseStamp
from parley.errors import ApplicationError, ErrorCode


def require_editor(actor: Member) -> None:
    """Owners, admins and supervisors write the knowledge base; agents read it."""
    if not actor.is_supervising:
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Only supervisors and admins edit the knowledge base."
        )


def kb_changed(*, workspace_id: int) -> None:
    """Moves the workspace's stamp inside the writer's transaction, so a search index built
    before the change is rebuilt on the next search (see selectors.kb_search)."""
    KnowledgeBaseStamp.objects.bulk_create(
        [KnowledgeBaseStamp(workspace_id=workspace_id)], ignore_conflicts=True
    )
    KnowledgeBaseStamp.objects.filter(pk=workspace_id).update(
        version=F("version") + 1, changed_at=timezone.now()
    )


def clean_locale(locale: str) -> str:
    if locale not in KbLocale.values:
        raise ApplicationError(
            ErrorCode.INVALID,
            "The locale is zh-CN or en.",
            fields={"locale": f"one of {', '.join(KbLocale.values)}"},
        )
    return locale


def clean_line(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    """One line of text: whitespace collapsed, within its length."""
    text = " ".join(str(value).split())
    if (required and not text) or len(text) > max_length:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"{field} is {'1' if required else '0'} to {max_length} characters.",
            fields={field: f"{'1' if required else '0'} to {max_length} characters"},
        )
    return text


def clean_lines(
    values: list[str], *, field: str, max_length: int, max_items: int, required: bool = False
) -> list[str]:
    """A list of lines, each cleaned, duplicates (ignoring case) dropped, the order kept."""
    cleaned: list[str] = []
    seen: set[str] = set()
    for value in values:
        text = clean_line(value, field=field, max_length=max_length)
        if text.casefold() not in seen:
            seen.add(text.casefold())
            cleaned.append(text)
    if len(cleaned) > max_items or (required and not cleaned):
        raise ApplicationError(
            ErrorCode.INVALID,
            f"{field}: {'1' if required else '0'} to {max_items} entries.",
            fields={field: f"{'1' if required else '0'} to {max_items} entries"},
        )
    return cleaned

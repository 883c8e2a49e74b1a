"""The shapes of conditions and actions, checked before a rule or macro is stored.

Conditions: ``{"field": "message", "op": "contains_any", "value": ["refund", "退款"]}``.
Actions: ``{"type": "set_priority", "priority": "high"}``. Anything else is refused with a field
error naming the entry (``conditions[0].value``), and ids must name rows of the same workspace:
a rule can never point at another tenant's team, agent, inbox or canned reply.
"""

from __future__ import annotations

from typing import Any

from parley.accounts.models import Member, Team
from parley.conversations.canned import canned_visible
from parley.conversations.models import CannedResponse
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox, InboxKind
from parley.tickets.services.common import TAG_MAX
from parley.tickets.status import PRIORITY_BY_NAME

MAX_CONDITIONS = 20
MAX_ACTIONS = 10
MAX_WORDS = 50
WORD_MAX = 100
TEXT_MAX = 5000
ATTRIBUTE_KEY_MAX = 64

CONDITION_OPS: dict[str, set[str]] = {
    "inbox": {"is", "is_not"},
    "channel": {"is", "is_not"},
    "message": {"contains_any"},
    "tag": {"present", "absent"},
    "priority": {"is", "at_least"},
    "contact_attribute": {"equals", "contains"},
    "business_hours": {"within", "outside"},
    # the conversation's sentiment (parley/analytics/sentiment): its current label, or the
    # event of it turning negative
    "sentiment": {"is", "turned_negative"},
}
SENTIMENT_LABELS = ("negative", "neutral", "positive")

RULE_ACTIONS = {
    "assign_team",
    "assign_agent",
    "set_priority",
    "add_tag",
    "send_canned",
    "mark_spam",
    "add_note",
}
MACRO_ACTIONS = {
    "set_status",
    "set_priority",
    "assign_agent",
    "assign_team",
    "add_tag",
    "remove_tag",
    "send_canned",
    "send_text",
    "add_note",
}
MACRO_STATUSES = {"open", "pending", "resolved"}


def _invalid(where: str, problem: str) -> ApplicationError:
    return ApplicationError(ErrorCode.INVALID, f"{where}: {problem}", fields={where: problem})


def _text(value: Any, where: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _invalid(where, "required text")
    if len(value) > limit:
        raise _invalid(where, f"at most {limit} characters")
    return value.strip()


def _int_list(value: Any, where: str) -> list[int]:
    if not isinstance(value, list) or not value:
        raise _invalid(where, "a non-empty list of ids")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise _invalid(where, "ids are whole numbers")
    return sorted(set(value))


def _int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _invalid(where, "an id")
    return value


def _priority(value: Any, where: str) -> str:
    if value not in PRIORITY_BY_NAME:
        raise _invalid(where, "one of " + ", ".join(PRIORITY_BY_NAME))
    return str(value)


def _entries(raw: Any, name: str, limit: int, *, allow_empty: bool) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        raise _invalid(name, "a list of objects")
    if not raw and not allow_empty:
        raise _invalid(name, "at least one")
    if len(raw) > limit:
        raise _invalid(name, f"at most {limit}")
    return raw


def clean_conditions(*, workspace_id: int, raw: Any) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    for i, entry in enumerate(_entries(raw, "conditions", MAX_CONDITIONS, allow_empty=True)):
        where = f"conditions[{i}]"
        field = entry.get("field")
        if field not in CONDITION_OPS:
            raise _invalid(f"{where}.field", "one of " + ", ".join(sorted(CONDITION_OPS)))
        op = entry.get("op")
        if op not in CONDITION_OPS[field]:
            raise _invalid(f"{where}.op", "one of " + ", ".join(sorted(CONDITION_OPS[field])))
        value = entry.get("value")
        out: dict[str, Any] = {"field": field, "op": op}
        if field == "inbox":
            ids = _int_list(value, f"{where}.value")
            found = Inbox.objects.filter(workspace_id=workspace_id, pk__in=ids).count()
            if found != len(ids):
                raise _invalid(f"{where}.value", "no such inbox")
            out["value"] = ids
        elif field == "channel":
            if not isinstance(value, list) or not value or not set(value) <= set(InboxKind.values):
                raise _invalid(f"{where}.value", "kinds among " + ", ".join(InboxKind.values))
            out["value"] = sorted(set(value))
        elif field == "message":
            if not isinstance(value, list) or not value or len(value) > MAX_WORDS:
                raise _invalid(f"{where}.value", f"1 to {MAX_WORDS} words")
            out["value"] = [_text(w, f"{where}.value", WORD_MAX) for w in value]
        elif field == "tag":
            out["value"] = _text(value, f"{where}.value", TAG_MAX)
        elif field == "priority":
            out["value"] = _priority(value, f"{where}.value")
        elif field == "contact_attribute":
            out["key"] = _text(entry.get("key"), f"{where}.key", ATTRIBUTE_KEY_MAX)
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise _invalid(f"{where}.value", "text or a number")
            out["value"] = _text(str(value), f"{where}.value", WORD_MAX)
        elif field == "sentiment" and op == "is":
            if value not in SENTIMENT_LABELS:
                raise _invalid(f"{where}.value", "one of " + ", ".join(SENTIMENT_LABELS))
            out["value"] = value
        cleaned.append(out)
    return cleaned


def clean_actions(
    *, workspace_id: int, raw: Any, allowed: set[str], owner: Member | None = None
) -> list[dict[str, Any]]:
    """``owner``: a personal macro's agent; a canned reply it sends must be one they can see."""
    cleaned: list[dict[str, Any]] = []
    for i, entry in enumerate(_entries(raw, "actions", MAX_ACTIONS, allow_empty=False)):
        where = f"actions[{i}]"
        kind = entry.get("type")
        if kind not in allowed:
            raise _invalid(f"{where}.type", "one of " + ", ".join(sorted(allowed)))
        out: dict[str, Any] = {"type": kind}
        if kind == "assign_team":
            team_id = _int(entry.get("team"), f"{where}.team")
            if not Team.objects.filter(workspace_id=workspace_id, pk=team_id).exists():
                raise _invalid(f"{where}.team", "no such team")
            out["team"] = team_id
        elif kind == "assign_agent":
            member_id = _int(entry.get("member"), f"{where}.member")
            if not Member.objects.filter(
                workspace_id=workspace_id, pk=member_id, is_active=True
            ).exists():
                raise _invalid(f"{where}.member", "no such member")
            out["member"] = member_id
        elif kind == "set_priority":
            out["priority"] = _priority(entry.get("priority"), f"{where}.priority")
        elif kind in {"add_tag", "remove_tag"}:
            out["tag"] = " ".join(_text(entry.get("tag"), f"{where}.tag", TAG_MAX).split())
        elif kind == "send_canned":
            canned_id = _int(entry.get("canned"), f"{where}.canned")
            replies = (
                canned_visible(member=owner)
                if owner is not None
                else CannedResponse.objects.filter(workspace_id=workspace_id)
            )
            if not replies.filter(pk=canned_id).exists():
                raise _invalid(f"{where}.canned", "no such canned response")
            out["canned"] = canned_id
        elif kind in {"send_text", "add_note"}:
            out["text"] = _text(entry.get("text"), f"{where}.text", TEXT_MAX)
        elif kind == "set_status":
            status = entry.get("status")
            if status not in MACRO_STATUSES:
                raise _invalid(f"{where}.status", "one of " + ", ".join(sorted(MACRO_STATUSES)))
            out["status"] = status
        cleaned.append(out)
    return cleaned

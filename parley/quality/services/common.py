"""What quality writes share: who may write, and how text input is checked."""

from __future__ import annotations

from parley.accounts.models import Member
from parley.errors import ApplicationError, ErrorCode


def require_supervising(actor: Member, action: str) -> None:
    """Owners, admins and supervisors run quality review; agents only read their own reviews."""
    if not actor.is_supervising:
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, f"Only supervisors and admins {action}."
        )


def clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise ApplicationError(ErrorCode.INVALID, f"{field} is required.", fields={field: "empty"})
    if len(cleaned) > max_length:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"{field} may be at most {max_length} characters.",
            fields={field: "too long"},
        )
    return cleaned

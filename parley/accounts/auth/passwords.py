"""Password rules and changing one's password.

The rules (settings.AUTH_PASSWORD_VALIDATORS) apply wherever a *person* sets a password: the
change-password and reset-password APIs, and Django's own forms and `createsuperuser`. Seeding
(the embedded demo's `parley-demo`) sets passwords directly and is not checked; see
docs/security.md."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from parley.accounts.auth import audit, sessions
from parley.accounts.models import User
from parley.errors import ApplicationError, ErrorCode


def password_check(*, password: str, user: User, field: str = "new_password") -> None:
    """Refuse a password that breaks a rule, naming every broken rule (code and message)."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        rules = [str(e.code or "password_invalid") for e in error.error_list]
        messages = [str(message) for message in error.messages]
        raise ApplicationError(
            ErrorCode.PASSWORD_REJECTED,
            " ".join(messages),
            fields={field: messages},
            extra={"rules": rules},
        ) from error


@transaction.atomic
def password_change(
    *, user: User, current_password: str, new_password: str, request: HttpRequest
) -> int:
    """Change the caller's password; every other session of theirs ends. Returns how many."""
    if not user.check_password(current_password):
        raise ApplicationError(
            ErrorCode.INVALID_CREDENTIALS,
            "The current password is wrong.",
            fields={"current_password": ["The current password is wrong."]},
        )
    password_check(password=new_password, user=user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    ended = sessions.session_revoke_others(user=user, request=request, password_changed=True)
    audit.audit_user(user=user, action="auth.password_changed", data={"sessions_ended": ended})
    return ended


def password_set_after_reset(*, user: User, new_password: str) -> int:
    """Set a password chosen through a reset link; every session of the user ends."""
    password_check(password=new_password, user=user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return sessions.session_revoke_all(user=user)

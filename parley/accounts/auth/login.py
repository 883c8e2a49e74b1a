"""Logging in: the password step, then (when the user has two-factor on) the code step.

Between the two steps the browser holds a *pending* login: the session knows which user typed
the right password, and until when, but nobody is logged in, so every API answers 401 as for a
stranger. The code step must come within PARLEY_TWO_FACTOR_PENDING seconds and within
PENDING_TRIES attempts; a wrong code also counts against the account's lockout."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.http import HttpRequest

from parley.accounts.auth import audit, lockout, sessions, totp
from parley.accounts.auth.client import client_address
from parley.accounts.models import User
from parley.errors import ApplicationError, ErrorCode

PENDING_KEY = "_parley_2fa_pending"
PENDING_TRIES = 5
LOCALES = {"en", "zh-CN"}


@dataclass(frozen=True)
class LoginResult:
    user: User | None  # None while a second factor is still due
    two_factor_required: bool
    expires_in: int = 0


def _wrong_credentials() -> ApplicationError:
    return ApplicationError(ErrorCode.INVALID_CREDENTIALS, "Wrong e-mail or password.")


def _failed(*, email: str, address: str, request: HttpRequest, reason: str) -> None:
    """Count and record a failure; when it locks, say so at once with the same answer."""
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        audit.log_unknown_account(email=email, action="auth.login_failed", request=request)
    else:
        audit.audit_user(
            user=user, action="auth.login_failed", request=request, data={"reason": reason}
        )
    until = lockout.login_failed(email=email, address=address)
    if until is not None:
        raise lockout.locked_error(until)


def _complete(*, request: HttpRequest, user: User, method: str, locale: str | None) -> User:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    sessions.session_record(request=request, user=user)
    lockout.login_succeeded(email=user.email)
    if locale in LOCALES and user.locale != locale:
        user.locale = locale
        user.save(update_fields=["locale"])
    audit.audit_user(user=user, action="auth.login", request=request, data={"method": method})
    return user


def login_with_password(
    *, request: HttpRequest, email: str, password: str, locale: str | None = None
) -> LoginResult:
    email = email.strip().lower()
    address = client_address(request)
    lockout.login_guard(email=email, address=address)
    user = authenticate(request, username=email, password=password)
    if user is None:
        _failed(email=email, address=address, request=request, reason="password")
        raise _wrong_credentials()
    assert isinstance(user, User)
    if not totp.two_factor_enabled(user):
        return LoginResult(
            user=_complete(request=request, user=user, method="password", locale=locale),
            two_factor_required=False,
        )
    # A new session key for the pending state, as login() would: no fixation across steps.
    request.session.flush()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "until": time.time() + settings.PARLEY_TWO_FACTOR_PENDING,
        "tries": 0,
        "locale": locale or "",
    }
    return LoginResult(
        user=None, two_factor_required=True, expires_in=settings.PARLEY_TWO_FACTOR_PENDING
    )


def login_with_code(*, request: HttpRequest, code: str) -> User:
    pending: dict[str, Any] | None = request.session.get(PENDING_KEY)
    if not pending or float(pending["until"]) < time.time() or pending["tries"] >= PENDING_TRIES:
        request.session.pop(PENDING_KEY, None)
        raise ApplicationError(
            ErrorCode.TWO_FACTOR_EXPIRED,
            "The sign-in has expired. Enter your e-mail and password again.",
        )
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        raise ApplicationError(ErrorCode.TWO_FACTOR_EXPIRED, "The sign-in has expired.")
    address = client_address(request)
    lockout.login_guard(email=user.email, address=address)
    method = totp.second_factor_check(user=user, code=code)
    if method is None:
        pending["tries"] += 1
        request.session[PENDING_KEY] = pending
        _failed(email=user.email, address=address, request=request, reason="two_factor")
        raise ApplicationError(
            ErrorCode.TWO_FACTOR_INVALID_CODE,
            "That code is not right. Enter the current code from your app, or a recovery code.",
            fields={"code": ["Wrong code."]},
        )
    request.session.pop(PENDING_KEY, None)
    return _complete(request=request, user=user, method=method, locale=pending.get("locale"))

"""One error type for every refused request, mapped to one shape on REST and on sockets.

A service raises ``ApplicationError(code, detail)``; the REST exception handler and the socket
consumers turn it into ``{"code": …, "detail": …}`` (an ``error`` frame on a socket). Codes are
stable strings that clients may switch on; they are listed in docs/api/errors.md.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    NOT_AUTHENTICATED = "not_authenticated"
    BODY_TOO_LONG = "body_too_long"
    BODY_EMPTY = "body_empty"
    INVALID_TRANSITION = "invalid_transition"
    ORIGIN_NOT_ALLOWED = "origin_not_allowed"
    INBOX_NOT_FOUND = "inbox_not_found"
    INVALID_TOKEN = "invalid_token"
    INVALID_JSON = "invalid_json"
    UNKNOWN_TYPE = "unknown_type"
    MISSING_FIELD = "missing_field"
    HELLO_REQUIRED = "hello_required"
    THROTTLED = "throttled"
    INVALID_CREDENTIALS = "invalid_credentials"
    TOO_LARGE = "too_large"
    TYPE_NOT_ALLOWED = "type_not_allowed"
    CSRF_FAILED = "csrf_failed"
    CSAT_NOT_REQUESTED = "csat_not_requested"
    CSAT_EXPIRED = "csat_expired"
    CSAT_EDIT_WINDOW_CLOSED = "csat_edit_window_closed"
    LOGIN_LOCKED = "login_locked"
    PASSWORD_REJECTED = "password_rejected"
    TWO_FACTOR_REQUIRED = "two_factor_required"
    TWO_FACTOR_INVALID_CODE = "two_factor_invalid_code"
    TWO_FACTOR_EXPIRED = "two_factor_expired"
    TWO_FACTOR_STATE = "two_factor_state"
    RESET_LINK_INVALID = "reset_link_invalid"
    IDENTITY_UNVERIFIED = "identity_unverified"
    CONSENT_REQUIRED = "consent_required"
    CONFIRMATION_REQUIRED = "confirmation_required"


HTTP_STATUS = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.INBOX_NOT_FOUND: 404,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.ORIGIN_NOT_ALLOWED: 403,
    ErrorCode.IDENTITY_UNVERIFIED: 403,
    ErrorCode.CONSENT_REQUIRED: 403,
    ErrorCode.NOT_AUTHENTICATED: 401,
    ErrorCode.INVALID_TOKEN: 401,
    ErrorCode.INVALID_CREDENTIALS: 400,
    ErrorCode.THROTTLED: 429,
    ErrorCode.INVALID_TRANSITION: 409,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.TYPE_NOT_ALLOWED: 415,
    ErrorCode.CSRF_FAILED: 403,
    ErrorCode.CSAT_NOT_REQUESTED: 409,
    ErrorCode.CSAT_EXPIRED: 409,
    ErrorCode.CSAT_EDIT_WINDOW_CLOSED: 409,
    ErrorCode.LOGIN_LOCKED: 429,
    ErrorCode.TWO_FACTOR_REQUIRED: 403,
    ErrorCode.TWO_FACTOR_EXPIRED: 401,
    ErrorCode.TWO_FACTOR_STATE: 409,
}


class ApplicationError(Exception):
    def __init__(
        self,
        code: ErrorCode,
        detail: str,
        *,
        fields: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.fields = fields or {}
        self.extra = extra or {}  # more machine-readable members of the body (retry_after)
        self.headers = headers or {}  # REST only, e.g. Retry-After

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, 400)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": str(self.code), "detail": self.detail}
        if self.fields:
            data["fields"] = self.fields
        data.update(self.extra)
        return data

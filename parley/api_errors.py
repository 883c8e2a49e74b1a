"""DRF exception handler: every REST error is ``{"code", "detail"[, "fields"]}`` with a 4xx."""

from __future__ import annotations

from typing import Any

from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.csrf import csrf_failure as default_csrf_failure
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from parley.errors import ApplicationError, ErrorCode

DRF_CODES = {
    exceptions.NotAuthenticated: ErrorCode.NOT_AUTHENTICATED,
    exceptions.AuthenticationFailed: ErrorCode.NOT_AUTHENTICATED,
    exceptions.PermissionDenied: ErrorCode.PERMISSION_DENIED,
    exceptions.NotFound: ErrorCode.NOT_FOUND,
    exceptions.Throttled: ErrorCode.THROTTLED,
    exceptions.ParseError: ErrorCode.INVALID_JSON,
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=exc.http_status, headers=exc.headers or None)
    if isinstance(exc, DataError | OverflowError):
        # The database refused a value the edge let through (PostgreSQL: a NUL character in
        # text, an id beyond bigint, a DataError; SQLite: an integer beyond 64 bits, which its
        # driver refuses with an OverflowError): bad input, not a server fault. Nothing was
        # stored.
        set_rollback()
        return Response(
            {"code": ErrorCode.INVALID, "detail": "A value is not valid here."},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"code": ErrorCode.INVALID, "detail": "Invalid input.", "fields": fields}
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    code = next((str(c) for kind, c in DRF_CODES.items() if isinstance(exc, kind)), None)
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        code = str(ErrorCode.CSRF_FAILED)  # DRF's session check, same meaning as Django's
    detail = getattr(exc, "detail", str(exc))
    response.data = {"code": code or str(getattr(exc, "default_code", "error")), "detail": detail}
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused CSRF check: JSON with a code for the API, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "code": str(ErrorCode.CSRF_FAILED),
                "detail": "CSRF check failed: send the X-CSRFToken header "
                "(GET /api/v1/auth/csrf sets the token).",
            },
            status=403,
        )
    return default_csrf_failure(request, reason)

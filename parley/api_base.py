"""The base every member-facing API view stands on: it resolves the caller's membership in the
workspace named by the URL, so every query below is scoped to that workspace."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.views import APIView

from parley.accounts.auth.workspace_policy import two_factor_gate
from parley.accounts.models import ApiToken, Member
from parley.accounts.permissions_matrix import rule_for
from parley.accounts.selectors import member_for_user
from parley.errors import ApplicationError, ErrorCode


class WorkspaceAPIView(APIView):
    member: Member

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        slug = kwargs["workspace"]
        if isinstance(request.auth, ApiToken):
            # A token acts for one member in one workspace, never for the user's others.
            member = request.auth.member
            if member.workspace.slug != slug:
                raise ApplicationError(ErrorCode.NOT_FOUND, "No such workspace.")
            self.member = member
        else:
            self.member = member_for_user(user=request.user, workspace_slug=slug)  # type: ignore[arg-type]
            # A workspace may require two-factor of everyone using it through a session.
            two_factor_gate(member=self.member)
        enforce_matrix(request, self.member)


WORKSPACE_PREFIX = "<slug:workspace>/"


def enforce_matrix(request: Request, member: Member) -> None:
    """Refuse a role the permission matrix does not allow, before the body is read or an id is
    looked up: a refused member learns nothing from validation errors or 404s. Services keep
    their own finer checks (own or free conversations, personal quick replies). A route missing
    from the matrix is left to those checks; tests/security fails the build for it."""
    match = request._request.resolver_match
    route = match.route if match is not None else ""
    if WORKSPACE_PREFIX not in route:
        return
    rule = rule_for(request.method or "", route.split(WORKSPACE_PREFIX, 1)[1])
    if rule is not None and member.role not in rule.allowed:
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED,
            "Your role does not allow this.",
            extra={"action": rule.action},
        )


def int_param(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise ApplicationError(
            ErrorCode.INVALID, f"{name} must be a whole number.", fields={name: "not a number"}
        ) from exc

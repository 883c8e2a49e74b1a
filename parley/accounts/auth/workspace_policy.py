"""The workspace setting "require two-factor" and its enforcement.

When it is on, a member whose user has no confirmed authenticator may still log in and use their
own account pages (/api/v1/auth/…), but every workspace API answers 403 `two_factor_required`
until they enrol; the console sends them to the Account security page. API tokens are exempt:
a token is a separate credential made for an integration, revoked on its own."""

from __future__ import annotations

from django.db import transaction

from parley.accounts.auth import totp
from parley.accounts.models import Member, Role, Workspace
from parley.accounts.services import audit_record
from parley.errors import ApplicationError, ErrorCode

MANAGERS = {Role.OWNER, Role.ADMIN}


def two_factor_gate(*, member: Member) -> None:
    """Refuse a session's use of a workspace that requires two-factor the user has not set up."""
    if member.workspace.require_two_factor and not totp.two_factor_enabled(member.user):
        raise ApplicationError(
            ErrorCode.TWO_FACTOR_REQUIRED,
            "This workspace requires two-factor authentication. Set it up on the Account "
            "security page, then try again.",
        )


def security_settings_check(*, actor: Member) -> None:
    """Owners and admins only; checked before the input, so others learn nothing from it."""
    if actor.role not in MANAGERS:
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Only owners and admins change security settings."
        )


@transaction.atomic
def workspace_two_factor_set(*, workspace: Workspace, require: bool, actor: Member) -> Workspace:
    security_settings_check(actor=actor)
    if require and not totp.two_factor_enabled(actor.user):
        # Otherwise the admin would shut themselves out of the page that turns it off.
        raise ApplicationError(
            ErrorCode.TWO_FACTOR_STATE,
            "Turn on two-factor for your own account before requiring it of everyone.",
        )
    if workspace.require_two_factor == require:
        return workspace
    workspace.require_two_factor = require
    workspace.save(update_fields=["require_two_factor"])
    audit_record(
        workspace=workspace,
        actor=actor,
        action="workspace.security_changed",
        target=workspace,
        data={"require_two_factor": require},
    )
    return workspace

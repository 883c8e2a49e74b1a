"""Canned responses (quick replies): who sees which, and who may change them.

A member sees the workspace's, their teams' and their own. Anyone manages their personal ones;
supervisors and admins manage team and workspace ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet

from parley.accounts.models import Member, Team
from parley.accounts.services import audit_record
from parley.contacts.models import Contact
from parley.conversations.models import CannedResponse, CannedScope
from parley.conversations.policies import is_supervising
from parley.conversations.text import clean_body
from parley.errors import ApplicationError, ErrorCode


def canned_visible(*, member: Member, query: str = "") -> QuerySet[CannedResponse]:
    team_ids = member.teams.values("pk")
    responses = CannedResponse.objects.filter(workspace_id=member.workspace_id).filter(
        Q(scope=CannedScope.WORKSPACE)
        | Q(scope=CannedScope.TEAM, team_id__in=team_ids)
        | Q(scope=CannedScope.PERSONAL, owner=member)
    )
    if query:
        responses = responses.filter(
            Q(shortcut__icontains=query) | Q(title__icontains=query) | Q(body__icontains=query)
        )
    return responses.select_related("team").order_by("shortcut", "pk")


def canned_get(*, member: Member, canned_id: int) -> CannedResponse:
    found = canned_visible(member=member).filter(pk=canned_id).first()
    if found is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such canned response.")
    return found


def _check_may_manage(member: Member, scope: str, team: Team | None) -> None:
    if scope == CannedScope.PERSONAL:
        return
    if not is_supervising(member):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED,
            "Only supervisors and admins manage team and workspace replies.",
        )
    if scope == CannedScope.TEAM and (team is None or team.workspace_id != member.workspace_id):
        raise ApplicationError(
            ErrorCode.INVALID,
            "A team reply needs a team of this workspace.",
            fields={"team": "required"},
        )


@dataclass(frozen=True)
class CannedInput:
    scope: str
    shortcut: str
    title: str
    body: str
    team: Team | None = None


@transaction.atomic
def canned_create(*, member: Member, data: CannedInput) -> CannedResponse:
    _check_may_manage(member, data.scope, data.team)
    canned = CannedResponse.objects.create(
        workspace_id=member.workspace_id,
        scope=data.scope,
        owner=member if data.scope == CannedScope.PERSONAL else None,
        team=data.team if data.scope == CannedScope.TEAM else None,
        shortcut=data.shortcut,
        title=data.title.strip(),
        body=clean_body(data.body),
    )
    if data.scope != CannedScope.PERSONAL:
        audit_record(
            workspace=member.workspace,
            actor=member,
            action="canned.created",
            target=canned,
            data={"scope": data.scope},
        )
    return canned


@transaction.atomic
def canned_update(*, member: Member, canned: CannedResponse, data: CannedInput) -> CannedResponse:
    _check_may_manage(member, canned.scope, canned.team)
    _check_may_manage(member, data.scope, data.team)
    was_scope = canned.scope  # a shared reply made personal is audited too
    canned.scope = data.scope
    canned.owner = member if data.scope == CannedScope.PERSONAL else None
    canned.team = data.team if data.scope == CannedScope.TEAM else None
    canned.shortcut = data.shortcut
    canned.title = data.title.strip()
    canned.body = clean_body(data.body)
    canned.save()
    if was_scope != CannedScope.PERSONAL or data.scope != CannedScope.PERSONAL:
        audit_record(
            workspace=member.workspace,
            actor=member,
            action="canned.updated",
            target=canned,
            data={"scope": data.scope},
        )
    return canned


@transaction.atomic
def canned_delete(*, member: Member, canned: CannedResponse) -> None:
    _check_may_manage(member, canned.scope, canned.team)
    if canned.scope != CannedScope.PERSONAL:
        audit_record(
            workspace=member.workspace,
            actor=member,
            action="canned.deleted",
            target=canned,
            data={"shortcut": canned.shortcut},
        )
    canned.delete()


_VARIABLE = re.compile(r"\{\{\s*([a-z]+\.[a-z]+)\s*\}\}")


def canned_render(*, body: str, contact: Contact, agent: Member | None) -> str:
    """A reply's variables filled in on the server, for replies sent without a person typing
    them (automation rules, macros). The same names as the console's `fillVariables`; a
    variable without a value becomes empty rather than reach the customer as ``{{…}}``."""
    values = {
        "contact.name": contact.name,
        "contact.email": contact.email,
        "agent.name": agent.name if agent is not None else "",
    }
    filled = _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), body)
    # "Hi , …" when the name is unknown reads worse than "Hi, …".
    return re.sub(r"[ \t]+([,，!！.。])", r"\1", filled)

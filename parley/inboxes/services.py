"""Use cases of the inboxes: opening a widget session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from parley.accounts.models import Member, Role, Team
from parley.accounts.services import audit_record
from parley.contacts.models import Contact
from parley.contacts.services import contact_create, contact_touch
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.hours import parse_business_hours
from parley.inboxes.identity import identity_verify, verified_contact
from parley.inboxes.models import Inbox, InboxKind
from parley.inboxes.selectors import inbox_by_public_key
from parley.inboxes.widget_tokens import issue_token, read_token
from parley.routing.policy import parse_routing_settings


@dataclass(frozen=True)
class WidgetSession:
    token: str
    contact: Contact
    inbox: Inbox


def check_widget_origin(*, inbox: Inbox, origin: str | None) -> None:
    if inbox.kind != InboxKind.WIDGET or not inbox.allows_origin(origin):
        raise ApplicationError(
            ErrorCode.ORIGIN_NOT_ALLOWED, "This site may not use this inbox's widget."
        )


@transaction.atomic
def widget_session_open(
    *,
    public_key: str,
    origin: str | None,
    token: str | None,
    name: str = "",
    email: str = "",
    locale: str = "",
    identifier: str = "",
    identifier_hash: str = "",
    ip: str = "",
    user_agent: str = "",
) -> WidgetSession:
    """Start or resume a visitor's session. An earlier valid token for this inbox returns the
    same contact, so a visitor who reloads keeps their history; anything else starts afresh.

    A signed identifier (parley/inboxes/identity.py) binds the visitor to that user's contact. A
    token of such a contact resumes only with the identifier: after the site's user logs out, the
    next visitor on that browser does not inherit their conversations."""
    inbox = inbox_by_public_key(public_key=public_key)
    check_widget_origin(inbox=inbox, origin=origin)
    if identifier or identifier_hash:
        verified = identity_verify(inbox=inbox, identifier=identifier, claimed_hash=identifier_hash)
        bound = verified_contact(
            inbox=inbox, identifier=verified, name=name, email=email, locale=locale
        )
        return WidgetSession(
            token=issue_token(contact_id=bound.pk, inbox_id=inbox.pk),
            contact=contact_touch(
                contact=bound, name=name, email=email, locale=locale, ip=ip, user_agent=user_agent
            ),
            inbox=inbox,
        )
    contact = None
    identity = read_token(token) if token else None
    if identity is not None and identity.inbox_id == inbox.pk:
        contact = (
            Contact.objects.filter(pk=identity.contact_id, workspace_id=inbox.workspace_id)
            .exclude(verified_identities__isnull=False)
            .first()
        )
    if contact is None:
        contact = contact_create(
            workspace=inbox.workspace,
            name=name,
            email=email,
            locale=locale,
            ip=ip,
            user_agent=user_agent,
        )
    else:
        contact = contact_touch(
            contact=contact, name=name, email=email, locale=locale, ip=ip, user_agent=user_agent
        )
    return WidgetSession(
        token=issue_token(contact_id=contact.pk, inbox_id=inbox.pk), contact=contact, inbox=inbox
    )


PRECHAT_FIELDS = ("name", "email", "topic")


def parse_prechat(raw: object) -> dict[str, Any]:
    """Check a pre-chat form; every problem is named at once, by its path."""
    if not isinstance(raw, dict):
        raise ApplicationError(
            ErrorCode.INVALID,
            "The pre-chat form is not valid.",
            fields={"prechat": "An object with enabled, fields and topics."},
        )
    problems: dict[str, str] = {}
    for unknown in sorted(set(raw) - {"enabled", "fields", "topics"}):
        problems[f"prechat.{unknown}"] = "Unknown setting."
    fields = raw.get("fields", ["name", "email"])
    topics = raw.get("topics", [])
    if not isinstance(fields, list) or not set(fields) <= set(PRECHAT_FIELDS):
        problems["prechat.fields"] = "Choose among name, email and topic."
    if (
        not isinstance(topics, list)
        or len(topics) > 20
        or not all(isinstance(t, str) and 0 < len(t) <= 80 for t in topics)
    ):
        problems["prechat.topics"] = "Up to 20 topics of 1 to 80 characters."
    if problems:
        raise ApplicationError(
            ErrorCode.INVALID, "The pre-chat form is not valid.", fields=problems
        )
    return {"enabled": bool(raw.get("enabled")), "fields": fields, "topics": topics}


def _own(rows: QuerySet[Any], inbox: Inbox, ids: list[int] | None, name: str) -> list[Any] | None:
    """The rows named by ``ids`` if every one is of the inbox's workspace; else a 400."""
    if ids is None:
        return None
    found = list(rows.filter(workspace_id=inbox.workspace_id, pk__in=ids))
    if len(found) != len(set(ids)):
        raise ApplicationError(
            ErrorCode.INVALID, f"Unknown {name} in this workspace.", fields={name: "unknown"}
        )
    return found


@transaction.atomic
def inbox_configure(*, inbox: Inbox, actor: Member, changes: dict[str, Any]) -> Inbox:
    """An admin changes an inbox: name, greeting, allowed origins, and its routing, pre-chat
    form and business hours. Everything is checked before anything is saved."""
    if actor.role not in (Role.OWNER, Role.ADMIN) or actor.workspace_id != inbox.workspace_id:
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Only admins configure inboxes.")
    settings = dict(inbox.settings)
    parsers: dict[str, Callable[[Any], object]] = {
        "routing": parse_routing_settings,
        "prechat": parse_prechat,
        "business_hours": parse_business_hours,
    }
    problems: dict[str, Any] = {}
    for section, parse in parsers.items():
        if section not in changes:
            continue
        raw = changes[section] or {}
        try:
            checked = parse(raw)
        except ApplicationError as error:
            problems.update(error.fields)  # every section's problems, not just the first's
            continue
        settings[section] = checked if section == "prechat" else raw
    if problems:
        raise ApplicationError(ErrorCode.INVALID, "Some settings are not valid.", fields=problems)
    agents = _own(Member.objects.filter(is_active=True), inbox, changes.get("agents"), "agents")
    teams = _own(Team.objects.all(), inbox, changes.get("teams"), "teams")
    for field in ("name", "greeting", "allowed_origins"):
        if field in changes:
            setattr(inbox, field, changes[field])
    inbox.settings = settings
    inbox.save()
    if agents is not None:
        inbox.agents.set(agents)
    if teams is not None:
        inbox.teams.set(teams)
    audit_record(
        workspace=inbox.workspace,
        actor=actor,
        action="inbox.configured",
        target=inbox,
        data={"changed": sorted(changes)},
    )
    if "routing" in changes:
        from parley.routing.tasks import route_inbox  # routing builds on inboxes

        transaction.on_commit(lambda: route_inbox.delay(inbox.pk))
    return inbox

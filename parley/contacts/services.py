"""Use cases that change contacts."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from parley.accounts.models import Member, Workspace
from parley.accounts.services import audit_record
from parley.compliance.consent import truncate_address
from parley.compliance.policy import collected_fields, minimise
from parley.contacts.encryption import blind_index, normalise_id_number, normalise_phone
from parley.contacts.models import Contact
from parley.errors import ApplicationError, ErrorCode
from parley.privacy.detect import is_valid_cn_id


def _browser_facts(ip: str, user_agent: str) -> dict[str, str]:
    """What a visitor's browser tells us, kept only where the workspace collects it (the
    address truncated to its network): see docs/privacy.md, "Data minimisation"."""
    facts = {}
    if ip and (prefix := truncate_address(ip)):
        facts["ip_prefix"] = prefix
    if user_agent:
        facts["user_agent"] = user_agent[:300]
    return facts


def contact_create(
    *,
    workspace: Workspace,
    name: str = "",
    email: str = "",
    locale: str = "",
    ip: str = "",
    user_agent: str = "",
) -> Contact:
    # Every entry point (widget, web form, API, e-mail) creates contacts here: the fields the
    # workspace does not collect are dropped before anything is stored.
    kept = minimise(
        workspace_id=workspace.pk,
        values={"name": name, "email": email, "ip": ip, "user_agent": user_agent},
    )
    return Contact.objects.create(
        workspace=workspace,
        name=kept["name"].strip()[:120],
        email=kept["email"].strip().lower(),
        locale=locale,
        attributes=_browser_facts(kept["ip"], kept["user_agent"]),
        last_seen_at=timezone.now(),
    )


def contact_touch(
    *,
    contact: Contact,
    name: str = "",
    email: str = "",
    locale: str = "",
    overwrite: bool = False,
    ip: str = "",
    user_agent: str = "",
) -> Contact:
    """Record a visit and take a name or e-mail the visitor gave. Details already known are
    kept unless ``overwrite`` (the visitor typed them into a form just now); none is erased.
    The language is the one they were served in this time. Fields the workspace does not
    collect are dropped first."""
    kept = minimise(
        workspace_id=contact.workspace_id,
        values={"name": name, "email": email, "ip": ip, "user_agent": user_agent},
    )
    name, email = kept["name"], kept["email"]
    contact.last_seen_at = timezone.now()
    fields = ["last_seen_at"]
    facts = _browser_facts(kept["ip"], kept["user_agent"])
    if facts and any(contact.attributes.get(k) != v for k, v in facts.items()):
        contact.attributes = {**contact.attributes, **facts}
        fields.append("attributes")
    if locale and locale != contact.locale:
        contact.locale = locale
        fields.append("locale")
    if name.strip() and (overwrite or not contact.name):
        contact.name = name.strip()[:120]
        fields.append("name")
    if email.strip() and (overwrite or not contact.email):
        contact.email = email.strip().lower()
        fields.append("email")
    contact.save(update_fields=fields)
    return contact


SENSITIVE_FIELDS = ("phone", "id_number")


def _clean_phone(value: str) -> str:
    value = value.strip()
    digits = sum(ch.isdigit() for ch in value)
    if value and not (5 <= digits <= 20 and len(value) <= 32):
        raise ApplicationError(
            ErrorCode.INVALID, "That is not a phone number.", fields={"phone": "invalid"}
        )
    return value


def _clean_id_number(value: str) -> str:
    value = normalise_id_number(value)
    if not value:
        return value
    # An 18-character mainland resident ID must carry a valid checksum and birth date; other
    # documents (passports, Hong Kong and foreign IDs) are taken as letters and digits.
    if len(value) == 18 and value[:17].isdigit() and not is_valid_cn_id(value):
        raise ApplicationError(
            ErrorCode.INVALID,
            "That resident ID number's check digit or birth date is wrong.",
            fields={"id_number": "checksum"},
        )
    if not (value.isalnum() and 5 <= len(value) <= 32):
        raise ApplicationError(
            ErrorCode.INVALID, "That is not an ID number.", fields={"id_number": "invalid"}
        )
    return value


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    actor: Member,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    id_number: str | None = None,
) -> Contact:
    """A member edits a contact's profile. Phone and ID number are stored encrypted with
    their blind indexes; the audit record names the fields changed, never their values.
    A field the workspace does not collect is dropped (left as it is)."""
    given = {"name": name, "email": email, "phone": phone, "id_number": id_number}
    if any(given.values()):
        collect = collected_fields(workspace_id=contact.workspace_id)
        name, email, phone, id_number = (
            value if not value or key in collect else None for key, value in given.items()
        )
    changed: list[str] = []
    if name is not None and name.strip()[:120] != contact.name:
        contact.name = name.strip()[:120]
        changed.append("name")
    if email is not None and email.strip().lower() != contact.email:
        contact.email = email.strip().lower()
        changed.append("email")
    if phone is not None:
        cleaned = _clean_phone(phone)
        if cleaned != contact.phone:
            contact.phone = cleaned
            contact.phone_index = blind_index("phone", normalise_phone(cleaned)) if cleaned else ""
            changed += ["phone", "phone_index"]
    if id_number is not None:
        cleaned = _clean_id_number(id_number)
        if cleaned != contact.id_number:
            contact.id_number = cleaned
            contact.id_number_index = blind_index("id_number", cleaned) if cleaned else ""
            changed += ["id_number", "id_number_index"]
    if changed:
        contact.save(update_fields=changed)
        audit_record(
            workspace=actor.workspace,
            actor=actor,
            action="contact.updated",
            target=contact,
            data={"fields": [f for f in changed if not f.endswith("_index")]},
        )
    return contact

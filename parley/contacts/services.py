"""Use cases that change contacts."""

from __future__ import annotations

from django.utils import timezone

from parley.accounts.models import Workspace
from parley.contacts.models import Contact


def contact_create(
    *, workspace: Workspace, name: str = "", email: str = "", locale: str = ""
) -> Contact:
    return Contact.objects.create(
        workspace=workspace,
        name=name.strip()[:120],
        email=email.strip().lower(),
        locale=locale,
        last_seen_at=timezone.now(),
    )


def contact_touch(
    *,
    contact: Contact,
    name: str = "",
    email: str = "",
    locale: str = "",
    overwrite: bool = False,
) -> Contact:
    """Record a visit and take a name or e-mail the visitor gave. Details already known are
    kept unless ``overwrite`` (the visitor typed them into a form just now); none is erased.
    The language is the one they were served in this time."""
    contact.last_seen_at = timezone.now()
    fields = ["last_seen_at"]
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

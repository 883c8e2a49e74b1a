"""Use cases that change contacts."""

from __future__ import annotations

from django.utils import timezone

from parley.accounts.models import Workspace
from parley.contacts.models import Contact


def contact_create(*, workspace: Workspace, name: str = "", email: str = "") -> Contact:
    return Contact.objects.create(
        workspace=workspace,
        name=name.strip()[:120],
        email=email.strip().lower(),
        last_seen_at=timezone.now(),
    )


def contact_touch(
    *, contact: Contact, name: str = "", email: str = "", overwrite: bool = False
) -> Contact:
    """Record a visit and take a name or e-mail the visitor gave. Details already known are
    kept unless ``overwrite`` (the visitor typed them into a form just now); none is erased."""
    contact.last_seen_at = timezone.now()
    fields = ["last_seen_at"]
    if name.strip() and (overwrite or not contact.name):
        contact.name = name.strip()[:120]
        fields.append("name")
    if email.strip() and (overwrite or not contact.email):
        contact.email = email.strip().lower()
        fields.append("email")
    contact.save(update_fields=fields)
    return contact

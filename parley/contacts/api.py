"""Contacts as the console's contact panel shows them: profile, attributes, history.

Staff see a contact's phone and ID number masked (and personal data inside attributes); the
clear value is read through the audited reveal endpoint (parley/privacy/api.py). The e-mail
address is clear for members with "view PII" and masked (z***@example.com) for the others."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from parley.api_base import WorkspaceAPIView
from parley.contacts import selectors, services
from parley.contacts.models import Contact
from parley.errors import ApplicationError, ErrorCode
from parley.privacy.mask import mask_data, mask_email, mask_field, mask_text
from parley.privacy.permissions import can_view_pii


def contact_profile(contact: Contact, *, clear_email: bool) -> dict[str, Any]:
    """``clear_email``: the viewer has "view PII" (can_view_pii)."""
    return {
        "id": contact.pk,
        "name": contact.name,
        "display_name": contact.display_name,
        "email": contact.email if clear_email or not contact.email else mask_email(contact.email),
        "phone": mask_field(contact.phone),
        "id_number": mask_field(contact.id_number),
        "attributes": mask_data(contact.attributes),
        "created_at": contact.created_at.isoformat(),
        "last_seen_at": contact.last_seen_at.isoformat() if contact.last_seen_at else None,
    }


class ContactUpdateIn(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=40)


class ContactListView(WorkspaceAPIView):
    """Find contacts by an exact phone number or ID number (blind index, no decryption)."""

    @extend_schema(
        operation_id="v1_workspaces_contacts_list",
        parameters=[OpenApiParameter("phone", str), OpenApiParameter("id_number", str)],
        responses=None,
    )
    def get(self, request: Request, workspace: str) -> Response:
        phone = request.query_params.get("phone", "").strip()
        id_number = request.query_params.get("id_number", "").strip()
        if bool(phone) == bool(id_number) or len(phone) > 32 or len(id_number) > 40:
            raise ApplicationError(
                ErrorCode.INVALID,
                "Give one of phone or id_number.",
                fields={"phone": "one of", "id_number": "one of"},
            )
        if phone:
            contacts = selectors.contacts_by_phone(member=self.member, phone=phone)
        else:
            contacts = selectors.contacts_by_id_number(member=self.member, id_number=id_number)
        clear_email = can_view_pii(self.member)
        return Response(
            {"results": [contact_profile(c, clear_email=clear_email) for c in contacts]}
        )


class ContactDetailView(WorkspaceAPIView):
    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str, contact_id: int) -> Response:
        contact = selectors.contact_for_member(member=self.member, contact_id=contact_id)
        history = selectors.contact_history(member=self.member, contact=contact)
        return Response(
            {
                **contact_profile(contact, clear_email=can_view_pii(self.member)),
                "conversations": [
                    {
                        "id": c.pk,
                        "status": c.status,
                        "inbox": {"id": c.inbox_id, "name": c.inbox.name},
                        "topic": mask_text(c.topic),
                        "last_seq": c.last_seq,
                        "last_activity_at": c.last_activity_at.isoformat(),
                        "created_at": c.created_at.isoformat(),
                    }
                    for c in history
                ],
            }
        )

    @extend_schema(request=ContactUpdateIn, responses=None)
    def patch(self, request: Request, workspace: str, contact_id: int) -> Response:
        contact = selectors.contact_for_member(member=self.member, contact_id=contact_id)
        data = ContactUpdateIn(data=request.data)
        if not data.is_valid():
            raise ApplicationError(
                ErrorCode.INVALID,
                "Check the contact's details.",
                fields={k: str(v[0]) for k, v in data.errors.items()},
            )
        contact = services.contact_update(contact=contact, actor=self.member, **data.validated_data)
        return Response(contact_profile(contact, clear_email=can_view_pii(self.member)))

"""Contacts as the console's contact panel shows them: profile, attributes, history."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from parley.api_base import WorkspaceAPIView
from parley.contacts import selectors


class ContactDetailView(WorkspaceAPIView):
    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str, contact_id: int) -> Response:
        contact = selectors.contact_for_member(member=self.member, contact_id=contact_id)
        history = selectors.contact_history(member=self.member, contact=contact)
        return Response(
            {
                "id": contact.pk,
                "name": contact.name,
                "display_name": contact.display_name,
                "email": contact.email,
                "attributes": contact.attributes,
                "created_at": contact.created_at.isoformat(),
                "last_seen_at": contact.last_seen_at.isoformat() if contact.last_seen_at else None,
                "conversations": [
                    {
                        "id": c.pk,
                        "status": c.status,
                        "inbox": {"id": c.inbox_id, "name": c.inbox.name},
                        "topic": c.topic,
                        "last_seq": c.last_seq,
                        "last_activity_at": c.last_activity_at.isoformat(),
                        "created_at": c.created_at.isoformat(),
                    }
                    for c in history
                ],
            }
        )

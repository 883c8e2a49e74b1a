"""Members' REST API for tickets: list with filters, create, read, change, escalate a chat,
bulk actions, and the workspace's custom field definitions (admins change those)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from parley.accounts.selectors import member_get, team_get
from parley.api_base import WorkspaceAPIView
from parley.contacts.selectors import contact_for_member
from parley.conversations import selectors as conversation_selectors
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox
from parley.privacy.permissions import can_view_pii
from parley.tickets import selectors, services
from parley.tickets.models import CreatedVia, CustomFieldDefinition, CustomFieldKind
from parley.tickets.payloads import ticket_detail_payload, ticket_payload
from parley.tickets.sla.state import STATES as SLA_STATES
from parley.tickets.status import PRIORITY_BY_NAME, SettableStatus, ViewStatus

PAGE_SIZE = 50
PRIORITIES = list(PRIORITY_BY_NAME)


class TicketListView(WorkspaceAPIView):
    class TicketListFilters(serializers.Serializer):
        status = serializers.ChoiceField(choices=ViewStatus.values, required=False)
        priority = serializers.ChoiceField(choices=PRIORITIES, required=False)
        assignee = serializers.RegexField(r"^(me|none|\d+)$", required=False)
        tag = serializers.CharField(max_length=40, required=False)
        type = serializers.CharField(max_length=60, required=False)
        team = serializers.IntegerField(min_value=1, required=False)
        inbox = serializers.IntegerField(min_value=1, required=False)
        q = serializers.CharField(max_length=200, required=False)
        sla = serializers.ChoiceField(choices=list(SLA_STATES), required=False)
        ordering = serializers.ChoiceField(choices=list(selectors.ORDERINGS), default="number")
        page = serializers.IntegerField(min_value=1, default=1)

    class TicketCreateInput(serializers.Serializer):
        inbox = serializers.IntegerField()
        contact = serializers.IntegerField(required=False)
        name = serializers.CharField(max_length=120, required=False, default="")
        email = serializers.EmailField(required=False, default="")
        subject = serializers.CharField(max_length=200)
        description = serializers.CharField(trim_whitespace=False)
        priority = serializers.ChoiceField(choices=PRIORITIES, required=False)
        type = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
        tags = serializers.ListField(child=serializers.CharField(), default=list, max_length=20)
        custom_fields = serializers.DictField(default=dict)

    @extend_schema(
        operation_id="tickets_list",
        parameters=[
            OpenApiParameter("status", str, enum=ViewStatus.values),
            OpenApiParameter("priority", str, enum=PRIORITIES),
            OpenApiParameter("assignee", str, description="a member id, `me` or `none`"),
            OpenApiParameter("tag", str),
            OpenApiParameter("type", str),
            OpenApiParameter("team", int),
            OpenApiParameter("inbox", int),
            OpenApiParameter("q", str, description="subject, requester or number"),
            OpenApiParameter("sla", str, enum=list(SLA_STATES), description="docs/sla.md"),
            OpenApiParameter("ordering", str, enum=list(selectors.ORDERINGS)),
            OpenApiParameter("page", int),
        ],
        responses=None,
    )
    def get(self, request: Request, workspace: str) -> Response:
        params = self.TicketListFilters(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        common: dict[str, Any] = {
            "status": ViewStatus(filters["status"]) if "status" in filters else None,
            "priority": PRIORITY_BY_NAME[filters["priority"]] if "priority" in filters else None,
            "tag": filters.get("tag"),
            "ticket_type": filters.get("type"),
            "team": filters.get("team"),
            "inbox": filters.get("inbox"),
            "text": filters.get("q"),
            "sla": filters.get("sla"),
        }
        tickets = selectors.ticket_list(
            member=self.member,
            assignee=filters.get("assignee"),
            ordering=filters["ordering"],
            **common,
        )
        start = (filters["page"] - 1) * PAGE_SIZE
        rows = list(tickets[start : start + PAGE_SIZE + 1])
        return Response(
            {
                "results": [
                    ticket_payload(t, clear_email=can_view_pii(self.member))
                    for t in rows[:PAGE_SIZE]
                ],
                "next_page": filters["page"] + 1 if len(rows) > PAGE_SIZE else None,
                # The console's views under the same filters: mine, unassigned, all.
                "counts": selectors.ticket_view_counts(member=self.member, **common),
            }
        )

    @extend_schema(operation_id="tickets_create", request=TicketCreateInput, responses=None)
    def post(self, request: Request, workspace: str) -> Response:
        data = self.TicketCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        inbox_ids = conversation_selectors.visible_inbox_ids(member=self.member)
        inbox = Inbox.objects.filter(pk=values["inbox"], pk__in=inbox_ids).first()
        if inbox is None:
            raise ApplicationError(ErrorCode.NOT_FOUND, "No such inbox.")
        if "contact" in values:
            contact = contact_for_member(member=self.member, contact_id=values["contact"])
        elif values["email"]:
            contact = services.requester_for(
                workspace=self.member.workspace, name=values["name"], email=values["email"]
            )
        else:
            raise ApplicationError(
                ErrorCode.INVALID,
                "Name the requester: a contact id or an e-mail address.",
                fields={"contact": "a contact id or an e-mail address"},
            )
        ticket = services.ticket_create(
            inbox=inbox,
            contact=contact,
            subject=values["subject"],
            description=values["description"],
            created_via=CreatedVia.API if request.auth is not None else CreatedVia.CONSOLE,
            actor=self.member,
            priority=PRIORITY_BY_NAME[values["priority"]] if "priority" in values else None,
            ticket_type=values["type"],
            tags=values["tags"],
            custom_fields=values["custom_fields"],
        )
        fresh = selectors.ticket_for_member(member=self.member, ticket_id=ticket.pk)
        return Response(
            ticket_payload(fresh, clear_email=can_view_pii(self.member)),
            status=status.HTTP_201_CREATED,
        )


class TicketDetailView(WorkspaceAPIView):
    class TicketUpdateInput(serializers.Serializer):
        priority = serializers.ChoiceField(choices=PRIORITIES, required=False)
        type = serializers.CharField(max_length=60, required=False, allow_blank=True)
        tags = serializers.ListField(child=serializers.CharField(), required=False, max_length=20)
        custom_fields = serializers.DictField(required=False)
        status = serializers.ChoiceField(choices=SettableStatus.choices, required=False)
        subject = serializers.CharField(max_length=200, required=False)

    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str, ticket_id: int) -> Response:
        ticket = selectors.ticket_for_member(member=self.member, ticket_id=ticket_id)
        follow_ups = selectors.ticket_follow_ups(member=self.member, ticket=ticket)
        return Response(
            ticket_detail_payload(ticket, follow_ups, clear_email=can_view_pii(self.member))
        )

    @extend_schema(request=TicketUpdateInput, responses=None)
    def patch(self, request: Request, workspace: str, ticket_id: int) -> Response:
        data = self.TicketUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        ticket = selectors.ticket_for_member(member=self.member, ticket_id=ticket_id)
        services.ticket_update(
            ticket=ticket,
            actor=self.member,
            changes=services.TicketChanges(
                priority=PRIORITY_BY_NAME[values["priority"]] if "priority" in values else None,
                ticket_type=values.get("type"),
                tags=values.get("tags"),
                custom_fields=values.get("custom_fields"),
                status=ViewStatus(values["status"]) if "status" in values else None,
                subject=values.get("subject"),
            ),
        )
        fresh = selectors.ticket_for_member(member=self.member, ticket_id=ticket_id)
        return Response(ticket_payload(fresh, clear_email=can_view_pii(self.member)))


class EscalateView(WorkspaceAPIView):
    class EscalateInput(serializers.Serializer):
        subject = serializers.CharField(max_length=200, required=False, default="")
        priority = serializers.ChoiceField(choices=PRIORITIES, required=False)
        type = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)

    @extend_schema(request=EscalateInput, responses=None)
    def post(self, request: Request, workspace: str, conversation_id: int) -> Response:
        data = self.EscalateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        conversation = conversation_selectors.conversation_for_member(
            member=self.member, conversation_id=conversation_id
        )
        ticket = services.ticket_escalate(
            conversation=conversation,
            actor=self.member,
            subject=values["subject"],
            priority=PRIORITY_BY_NAME[values["priority"]] if "priority" in values else None,
            ticket_type=values["type"],
        )
        fresh = selectors.ticket_for_member(member=self.member, ticket_id=ticket.pk)
        return Response(
            ticket_payload(fresh, clear_email=can_view_pii(self.member)),
            status=status.HTTP_201_CREATED,
        )


class BulkView(WorkspaceAPIView):
    class BulkInput(serializers.Serializer):
        ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), max_length=200
        )
        action = serializers.ChoiceField(
            choices=["set_priority", "add_tag", "assign", "set_team", "set_status", "solve"]
        )
        priority = serializers.ChoiceField(choices=PRIORITIES, required=False)
        tag = serializers.CharField(max_length=40, required=False)
        assignee = serializers.IntegerField(required=False, allow_null=True)
        team = serializers.IntegerField(required=False, allow_null=True)
        status = serializers.ChoiceField(choices=SettableStatus.choices, required=False)

    @extend_schema(request=BulkInput, responses=None)
    def post(self, request: Request, workspace: str) -> Response:
        data = self.BulkInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        action, ids = values["action"], values["ids"]
        needed = {
            "set_priority": "priority",
            "add_tag": "tag",
            "assign": "assignee",
            "set_team": "team",
            "set_status": "status",
        }.get(action)
        if needed and needed not in values:
            raise ApplicationError(
                ErrorCode.INVALID, f"{action} needs {needed}.", fields={needed: "required"}
            )
        if action == "set_priority":
            changed = services.tickets_bulk_set_priority(
                actor=self.member, ticket_ids=ids, priority=PRIORITY_BY_NAME[values["priority"]]
            )
        elif action == "add_tag":
            changed = services.tickets_bulk_add_tag(
                actor=self.member, ticket_ids=ids, tag=values["tag"]
            )
        elif action == "assign":
            assignee = (
                member_get(workspace_id=self.member.workspace_id, member_id=values["assignee"])
                if values["assignee"] is not None
                else None
            )
            changed = services.tickets_bulk_assign(
                actor=self.member, ticket_ids=ids, assignee=assignee
            )
        elif action == "set_team":
            team = (
                team_get(workspace_id=self.member.workspace_id, team_id=values["team"])
                if values["team"] is not None
                else None
            )
            changed = services.tickets_bulk_set_team(actor=self.member, ticket_ids=ids, team=team)
        elif action == "set_status":
            changed = services.tickets_bulk_set_status(
                actor=self.member, ticket_ids=ids, status=ViewStatus(values["status"])
            )
        else:
            changed = services.tickets_bulk_solve(actor=self.member, ticket_ids=ids)
        return Response({"changed": changed})


class CustomFieldOut(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    kind = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]
    choices = serializers.ListField(child=serializers.CharField())
    position = serializers.IntegerField()
    sensitive = serializers.BooleanField(
        help_text="Values encrypted at rest and shown masked to staff (docs/security.md)."
    )


class CustomFieldListView(WorkspaceAPIView):
    class CustomFieldCreateInput(serializers.Serializer):
        key = serializers.SlugField(max_length=40)
        label = serializers.CharField(max_length=80)  # type: ignore[assignment]
        kind = serializers.ChoiceField(choices=CustomFieldKind.values)
        required = serializers.BooleanField(default=False)  # type: ignore[assignment]
        choices = serializers.ListField(child=serializers.CharField(), default=list)
        position = serializers.IntegerField(min_value=0, max_value=1000, default=0)
        sensitive = serializers.BooleanField(default=False)

    @extend_schema(responses=CustomFieldOut(many=True))
    def get(self, request: Request, workspace: str) -> Response:
        definitions = selectors.custom_field_list(workspace_id=self.member.workspace_id)
        return Response(CustomFieldOut(definitions, many=True).data)

    @extend_schema(request=CustomFieldCreateInput, responses={201: CustomFieldOut})
    def post(self, request: Request, workspace: str) -> Response:
        data = self.CustomFieldCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        definition = services.custom_field_create(actor=self.member, **data.validated_data)
        return Response(CustomFieldOut(definition).data, status=status.HTTP_201_CREATED)


class CustomFieldDetailView(WorkspaceAPIView):
    class CustomFieldUpdateInput(serializers.Serializer):
        label = serializers.CharField(max_length=80, required=False)  # type: ignore[assignment]
        required = serializers.BooleanField(required=False)  # type: ignore[assignment]
        choices = serializers.ListField(child=serializers.CharField(), required=False)
        position = serializers.IntegerField(min_value=0, max_value=1000, required=False)
        sensitive = serializers.BooleanField(required=False)

    def _get(self, field_id: int) -> CustomFieldDefinition:
        return selectors.custom_field_get(workspace_id=self.member.workspace_id, field_id=field_id)

    @extend_schema(responses=CustomFieldOut)
    def get(self, request: Request, workspace: str, field_id: int) -> Response:
        return Response(CustomFieldOut(self._get(field_id)).data)

    @extend_schema(request=CustomFieldUpdateInput, responses=CustomFieldOut)
    def patch(self, request: Request, workspace: str, field_id: int) -> Response:
        data = self.CustomFieldUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        definition = services.custom_field_update(
            actor=self.member, definition=self._get(field_id), **data.validated_data
        )
        return Response(CustomFieldOut(definition).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace: str, field_id: int) -> Response:
        services.custom_field_delete(actor=self.member, definition=self._get(field_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

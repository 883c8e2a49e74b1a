"""REST API of routing: availability, the supervisor's view of agents and the queue, agent
settings, and transfer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from parley.accounts.selectors import member_get, member_list, team_get
from parley.api_base import WorkspaceAPIView
from parley.conversations import selectors as conversation_selectors
from parley.conversations.api import ConversationActionView
from parley.conversations.models import Conversation
from parley.conversations.services import conversation_transfer
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.api import WidgetAuthenticatedView
from parley.inboxes.models import Inbox
from parley.inboxes.selectors import inbox_list
from parley.privacy.mask import mask_text
from parley.routing import selectors, services
from parley.routing.models import Availability
from parley.routing.policy import routing_settings
from parley.routing.selectors import Agent


def agent_row(agent: Agent) -> dict[str, Any]:
    return {
        "member": {"id": agent.member.pk, "name": agent.member.name, "role": agent.member.role},
        "availability": agent.availability,
        "connected": agent.connected,
        # What the console shows: online/away as chosen while a console is open, else offline.
        "status": agent.availability if agent.connected else Availability.OFFLINE,
        "load": agent.load,
        "capacity": agent.capacity,
        "max_concurrent": agent.max_concurrent,
        "skills": agent.skills,
    }


class AvailabilityInput(serializers.Serializer):
    availability = serializers.ChoiceField(choices=Availability.values)


class MyAvailabilityView(WorkspaceAPIView):
    """The caller's own availability: GET it, PUT online / away / offline."""

    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        (agent,) = selectors.agents_of([self.member], workspace_id=self.member.workspace_id)
        return Response(agent_row(agent))

    @extend_schema(request=AvailabilityInput, responses=None)
    def put(self, request: Request, workspace: str) -> Response:
        data = AvailabilityInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.availability_set(
            member=self.member, availability=data.validated_data["availability"]
        )
        (agent,) = selectors.agents_of([self.member], workspace_id=self.member.workspace_id)
        return Response(agent_row(agent))


def require_supervisor(view: WorkspaceAPIView) -> None:
    if not view.member.is_supervising:
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Supervisors only.")


class AgentListView(WorkspaceAPIView):
    """Every member with their status and load: the supervisor view."""

    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        require_supervisor(self)
        members = list(member_list(workspace_id=self.member.workspace_id))
        agents = selectors.agents_of(members, workspace_id=self.member.workspace_id)
        return Response([agent_row(a) for a in agents])


class AgentConfigInput(serializers.Serializer):
    max_concurrent = serializers.IntegerField(
        min_value=0, max_value=100, allow_null=True, required=False
    )
    skills = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=5), required=False
    )


class AgentDetailView(WorkspaceAPIView):
    @extend_schema(request=AgentConfigInput, responses=None)
    def patch(self, request: Request, workspace: str, member_id: int) -> Response:
        data = AgentConfigInput(data=request.data)
        data.is_valid(raise_exception=True)
        target = member_get(workspace_id=self.member.workspace_id, member_id=member_id)
        values = data.validated_data
        services.agent_configure(
            member=target,
            actor=self.member,
            max_concurrent=values.get("max_concurrent", services.UNSET),
            skills=values.get("skills"),
        )
        (agent,) = selectors.agents_of([target], workspace_id=self.member.workspace_id)
        return Response(agent_row(agent))


def queue_rows(*, inbox_ids: list[int], now: datetime) -> list[dict[str, Any]]:
    rows = []
    for inbox in inbox_list_by_ids(inbox_ids):
        for position, conversation in enumerate(
            selectors.queued_conversations(inbox_id=inbox.pk), start=1
        ):
            rows.append(
                {
                    "conversation": {
                        "id": conversation.pk,
                        "topic": mask_text(conversation.topic),
                        "priority": conversation.priority,
                        "contact": {
                            "id": conversation.contact_id,
                            "name": conversation.contact.display_name,
                        },
                    },
                    "inbox": {
                        "id": inbox.pk,
                        "name": inbox.name,
                        "policy": routing_settings(inbox).policy,
                    },
                    "position": position,
                    "waiting_seconds": int((now - conversation.queued_at).total_seconds())
                    if conversation.queued_at
                    else 0,
                }
            )
    return rows


def inbox_list_by_ids(inbox_ids: list[int]) -> list[Inbox]:
    return list(Inbox.objects.filter(pk__in=inbox_ids).order_by("name"))


class QueueView(WorkspaceAPIView):
    """Everything waiting for a person in the inboxes the caller sees, in drain order."""

    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        inbox_ids = list(inbox_list(member=self.member).values_list("pk", flat=True))
        return Response(queue_rows(inbox_ids=inbox_ids, now=timezone.now()))


class TransferInput(serializers.Serializer):
    assignee = serializers.IntegerField(required=False)
    team = serializers.IntegerField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


@extend_schema_view(post=extend_schema(request=TransferInput, responses=None))
class TransferView(ConversationActionView):
    input_class = TransferInput

    def act(self, conversation: Conversation, data: dict[str, Any]) -> Conversation:
        workspace_id = self.member.workspace_id
        to_member = (
            member_get(workspace_id=workspace_id, member_id=data["assignee"])
            if "assignee" in data
            else None
        )
        to_team = (
            team_get(workspace_id=workspace_id, team_id=data["team"]) if "team" in data else None
        )
        return conversation_transfer(
            conversation=conversation,
            actor=self.member,
            to_member=to_member,
            to_team=to_team,
            note=data.get("note", ""),
        )


class WidgetQueueView(WidgetAuthenticatedView):
    """Where the visitor's conversation stands in the queue (also pushed as `queue.position`)."""

    @extend_schema(responses=None, auth=[])
    def get(self, request: Request, conversation_id: int) -> Response:
        conversation = conversation_selectors.conversation_for_contact(
            contact=self.contact, conversation_id=conversation_id
        )
        return Response(selectors.queue_position(conversation=conversation, now=timezone.now()))


class RoutingSettingsInput(serializers.Serializer):
    default_max_concurrent = serializers.IntegerField(min_value=1, max_value=100)


class RoutingSettingsView(WorkspaceAPIView):
    """The workspace's routing defaults (admins change them)."""

    @extend_schema(responses=None)
    def get(self, request: Request, workspace: str) -> Response:
        return Response(
            {"default_max_concurrent": selectors.default_capacity(self.member.workspace_id)}
        )

    @extend_schema(request=RoutingSettingsInput, responses=None)
    def patch(self, request: Request, workspace: str) -> Response:
        data = RoutingSettingsInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.workspace_routing_configure(
            actor=self.member, default_max_concurrent=data.validated_data["default_max_concurrent"]
        )
        return self.get(request, workspace)

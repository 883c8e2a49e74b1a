"""`/ws/agent/`: a member's console session, authenticated by the Django session cookie.

A user can be a member of several workspaces; the socket serves all of them, and each frame is
checked against the membership of the conversation's workspace.
"""

from __future__ import annotations

from typing import Any, cast

from parley.accounts.models import Member, User
from parley.accounts.selectors import memberships_of
from parley.conversations import frames, realtime, selectors, services
from parley.conversations.consumers.base import (
    CLOSE_UNAUTHENTICATED,
    RealtimeConsumer,
    Replay,
    ack_fields,
    replay_after,
)
from parley.conversations.consumers.database import in_database
from parley.conversations.models import Conversation, SenderType
from parley.conversations.presence import amark_present
from parley.errors import ApplicationError, ErrorCode


def agent_memberships(user: User) -> list[Member]:
    return list(memberships_of(user=user))


def agent_groups(members: list[Member]) -> list[str]:
    groups = []
    for member in members:
        groups.append(realtime.member_group(member.pk))
        groups.extend(realtime.inbox_group(i) for i in selectors.visible_inbox_ids(member=member))
    return groups


def conversation_for_any(
    members: list[Member], conversation_id: int
) -> tuple[Member, Conversation]:
    """The conversation and the caller's membership in its workspace, if they may see it."""
    workspace_id = (
        Conversation.objects.filter(pk=conversation_id)
        .values_list("workspace_id", flat=True)
        .first()
    )
    member = next((m for m in members if m.workspace_id == workspace_id), None)
    if member is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such conversation.")
    return member, selectors.conversation_for_member(member=member, conversation_id=conversation_id)


def replay_for_members(members: list[Member], resume: dict[int, int]) -> Replay:
    return replay_after(
        resume,
        find=lambda conversation_id: conversation_for_any(members, conversation_id)[1],
        include_private=True,
    )


def request_routing_for(members: list[Member]) -> None:
    # Imported here: routing builds on conversations, not the other way round.
    from parley.routing.tasks import request_route_member_inboxes

    for member in members:
        request_route_member_inboxes(member.pk)


def send_as_member(members: list[Member], frame: frames.MessageCreate) -> dict[str, Any]:
    if frame.conversation is None:
        raise ApplicationError(ErrorCode.MISSING_FIELD, "Members write into a conversation.")
    member, conversation = conversation_for_any(members, frame.conversation)
    result = services.message_send(
        conversation=conversation,
        sender=services.Sender.of_member(member),
        body=frame.body,
        client_id=frame.client_id,
        private=frame.private,
        attachment_ids=frame.attachments,
    )
    return ack_fields(result.message)


def mark_read(members: list[Member], frame: frames.Read) -> int:
    member, conversation = conversation_for_any(members, frame.conversation)
    return services.conversation_mark_read_by_member(
        conversation=conversation, member=member, seq=frame.seq
    )


class AgentConsumer(RealtimeConsumer):
    members: list[Member]

    user: User

    async def connect(self) -> None:
        user = self.scope.get("user")
        members = []
        if user is not None and user.is_authenticated:
            self.user = cast(User, user)
            members = await in_database(agent_memberships)(self.user)
        # Accept, then close with our code: refused before the handshake, a browser would only
        # see a failed connection (1006) and could not tell "log in again" from "network down".
        self.members = members
        await self.accept()
        if not members:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def on_activity(self) -> None:
        await amark_present(m.pk for m in self.members)

    async def on_hello(self, hello: frames.Hello) -> None:
        # Join first, then replay: whatever happens in between arrives live and the delivery
        # tracker drops whichever copy comes second.
        await self.join(await in_database(agent_groups)(self.members))
        for conversation_id, seq in hello.resume.items():
            self.tracker.seen_up_to(conversation_id, seq)
        replay = await in_database(replay_for_members)(self.members, hello.resume)
        self.greeted = True
        user = self.user
        await self.send_json(
            {
                "type": "welcome",
                "user": {"id": user.pk, "name": user.name, "email": user.email},
                "members": [
                    {
                        "id": m.pk,
                        "role": m.role,
                        "workspace": {"id": m.workspace_id, "slug": m.workspace.slug},
                    }
                    for m in self.members
                ],
            }
        )
        await self.send_replay(replay)
        # A console just opened: this agent may take work now, so let routing look.
        await in_database(request_routing_for)(self.members)

    async def on_message_create(self, frame: frames.MessageCreate) -> None:
        message = await in_database(send_as_member)(self.members, frame)
        await self.send_ack(str(frame.client_id), message)

    async def on_typing(self, frame: frames.Typing) -> None:
        member, conversation = await in_database(conversation_for_any)(
            self.members, frame.conversation
        )
        typing = {
            "type": "typing",
            "conversation": conversation.pk,
            "on": frame.on,
            "by": {"type": SenderType.AGENT, "id": member.pk, "name": member.name},
        }
        groups = realtime.staff_groups(conversation)
        if not frame.private:
            groups.append(realtime.contact_group(conversation.contact_id))
        await realtime.asend_to_groups(groups, typing, exclude_channel=self.channel_name)

    async def on_read(self, frame: frames.Read) -> None:
        await in_database(mark_read)(self.members, frame)

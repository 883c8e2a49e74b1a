"""`/ws/widget/`: a contact's session, authenticated by the widget token in `hello`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from parley.contacts.models import Contact
from parley.conversations import frames, realtime, selectors, services
from parley.conversations.consumers.base import (
    CLOSE_FORBIDDEN,
    RealtimeConsumer,
    Replay,
    ack_fields,
    replay_after,
)
from parley.conversations.consumers.database import in_database
from parley.conversations.models import Conversation, SenderType
from parley.conversations.payloads import conversation_payload_for_contact
from parley.conversations.services.csat import csat_state
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox
from parley.inboxes.selectors import widget_contact
from parley.inboxes.services import check_widget_origin


@dataclass(frozen=True)
class WidgetWelcome:
    frame: dict[str, Any]
    replay: Replay


def identify_visitor(*, token: str | None, origin: str | None) -> tuple[Contact, Inbox]:
    contact, inbox = widget_contact(token=token or "")
    check_widget_origin(inbox=inbox, origin=origin)
    return contact, inbox


def welcome_visitor(*, contact: Contact, inbox: Inbox, resume: dict[int, int]) -> WidgetWelcome:
    conversations = list(selectors.contact_conversations(contact=contact, inbox_id=inbox.pk)[:20])
    replay = replay_after(
        resume,
        find=lambda conversation_id: selectors.conversation_for_contact(
            contact=contact, conversation_id=conversation_id
        ),
        include_private=False,
    )
    frame = {
        "type": "welcome",
        "contact": {"id": contact.pk, "name": contact.name},
        "conversations": [conversation_payload_for_contact(c) for c in conversations],
        # Rating requests made while this widget was away (additive field).
        "csat": [
            csat_state(r) for r in selectors.contact_open_csat(contact=contact, inbox_id=inbox.pk)
        ],
    }
    return WidgetWelcome(frame=frame, replay=replay)


def send_as_contact(
    *, contact: Contact, inbox: Inbox, frame: frames.MessageCreate
) -> dict[str, Any]:
    if frame.private:
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Contacts write no notes.")
    result = services.contact_message_send(
        contact=contact,
        inbox=inbox,
        conversation_id=frame.conversation,
        body=frame.body,
        client_id=frame.client_id,
        attachment_ids=frame.attachments,
        topic=frame.topic,
    )
    return ack_fields(result.message)


def own_conversation(*, contact: Contact, conversation_id: int) -> Conversation:
    return selectors.conversation_for_contact(contact=contact, conversation_id=conversation_id)


def mark_read(*, contact: Contact, conversation_id: int, seq: int) -> int:
    conversation = own_conversation(contact=contact, conversation_id=conversation_id)
    return services.conversation_mark_read_by_contact(conversation=conversation, seq=seq)


# How long a web process reuses an inbox's queue (the waiting conversations, the agents'
# free slots, the handle time) for the positions it sends on keep-alives. Every waiting
# visitor pings every 25 s; reading the whole queue for each ping cost more than the messages
# at 2,000 waiting visitors (docs/benchmarks.md). A place read here is at most this old.
QUEUE_FACTS_TTL = 5.0
_queue_facts: dict[int, tuple[float, Any]] = {}


def queue_facts_forget() -> None:
    _queue_facts.clear()


def queue_places(*, contact: Contact) -> list[dict[str, object]]:
    # Imported here: routing builds on conversations, not the other way round.
    from parley.routing.selectors import place_in_queue, queue_facts

    now = timezone.now()
    places = []
    for conversation in selectors.contact_waiting_conversations(contact=contact):
        inbox_id = conversation.inbox_id
        read_at, facts = _queue_facts.get(inbox_id, (0.0, None))
        fresh = facts is not None and time.monotonic() - read_at < QUEUE_FACTS_TTL
        ahead = [c.pk for c in facts.queue] if fresh else []
        if conversation.pk not in ahead:  # not read yet, or queued since: read it now
            facts = queue_facts(inbox=conversation.inbox, now=now)
            _queue_facts[inbox_id] = (time.monotonic(), facts)
            ahead = [c.pk for c in facts.queue]
        position = ahead.index(conversation.pk) + 1 if conversation.pk in ahead else 1
        places.append(place_in_queue(facts, conversation, position, now))
    return places


class WidgetConsumer(RealtimeConsumer):
    contact: Contact
    inbox: Inbox

    async def connect(self) -> None:
        # The Origin is checked at hello, against the inbox the token belongs to.
        await self.accept()

    def origin(self) -> str | None:
        for name, value in self.scope.get("headers", []):
            if name == b"origin":
                return str(value.decode("latin-1"))
        return None

    async def on_hello(self, hello: frames.Hello) -> None:
        try:
            self.contact, self.inbox = await in_database(identify_visitor)(
                token=hello.token, origin=self.origin()
            )
        except ApplicationError as error:
            await self.send_error(error)
            await self.close(code=CLOSE_FORBIDDEN)
            return
        # Join first, then read the replay: a message stored in between arrives live, and the
        # delivery tracker drops whichever copy comes second.
        await self.join([realtime.contact_group(self.contact.pk)])
        welcome = await in_database(welcome_visitor)(
            contact=self.contact, inbox=self.inbox, resume=hello.resume
        )
        for conversation_id, seq in hello.resume.items():
            self.tracker.seen_up_to(conversation_id, seq)
        self.greeted = True
        await self.send_json(welcome.frame)
        await self.send_replay(welcome.replay)

    # A keep-alive looks for the visitor's waiting conversations only when one may exist: at
    # the first keep-alive, while one waits, and after any event reached this socket since the
    # last look found none. Every change to a visitor's conversations (a new one from another
    # tab, an agent putting one back in the queue, a position) reaches all its sockets through
    # its contact group, so an idle visitor with nothing waiting costs a pong, not a query:
    # 5,000 idle widgets ping 200 times a second (docs/benchmarks.md, "What the profiler found").
    events_seen = 0
    nothing_waiting_at: int | None = None  # events_seen when a look last found nothing waiting

    async def relay(self, event: dict[str, Any]) -> None:
        self.events_seen += 1
        await super().relay(event)

    async def on_ping(self) -> None:
        # A queue position also changes with time alone (the wait, the leave-a-message offer),
        # so a waiting visitor's keep-alive gets a fresh one.
        seen = self.events_seen
        if self.nothing_waiting_at == seen:
            return
        places = await in_database(queue_places)(contact=self.contact)
        for place in places:
            await self.send_json({"type": "queue.position", **place})
        # An event that arrived during the look counts: the next keep-alive looks again.
        self.nothing_waiting_at = None if places else seen

    def may_receive(self, frame: dict[str, Any]) -> bool:
        # Private notes are never published to contact groups; this is the second lock.
        return not frame["message"].get("private")

    async def on_message_create(self, frame: frames.MessageCreate) -> None:
        message = await in_database(send_as_contact)(
            contact=self.contact, inbox=self.inbox, frame=frame
        )
        await self.send_ack(str(frame.client_id), message)

    async def on_typing(self, frame: frames.Typing) -> None:
        conversation = await in_database(own_conversation)(
            contact=self.contact, conversation_id=frame.conversation
        )
        await realtime.asend_to_groups(
            realtime.staff_groups(conversation),
            {
                "type": "typing",
                "conversation": conversation.pk,
                "on": frame.on,
                "by": {
                    "type": SenderType.CONTACT,
                    "id": self.contact.pk,
                    "name": self.contact.display_name,
                },
            },
        )

    async def on_read(self, frame: frames.Read) -> None:
        await in_database(mark_read)(
            contact=self.contact, conversation_id=frame.conversation, seq=frame.seq
        )

"""Exactly-once delivery per socket: which (conversation, seq) a socket has already been sent.

A socket can be offered the same message twice — once in the replay after `hello` and once live,
or through both its inbox group and its assignee group. The tracker lets the first through.
Messages of one conversation can also arrive slightly out of seq order from different web
processes, so it keeps the seqs seen above a floor rather than only the highest one.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

MAX_CONVERSATIONS = 5000


@dataclass
class _Seen:
    floor: int = 0  # every seq at or below this has been delivered (or was seen before resume)
    above: set[int] = field(default_factory=set)


class DeliveryTracker:
    def __init__(self, max_conversations: int = MAX_CONVERSATIONS) -> None:
        self._seen: OrderedDict[int, _Seen] = OrderedDict()
        self._max = max_conversations

    def _entry(self, conversation_id: int) -> _Seen:
        entry = self._seen.get(conversation_id)
        if entry is None:
            entry = self._seen[conversation_id] = _Seen()
            if len(self._seen) > self._max:
                self._seen.popitem(last=False)
        else:
            self._seen.move_to_end(conversation_id)
        return entry

    def seen_up_to(self, conversation_id: int, seq: int) -> None:
        """The client says it has everything up to ``seq`` (its resume point)."""
        entry = self._entry(conversation_id)
        if seq > entry.floor:
            entry.floor = seq
            entry.above = {s for s in entry.above if s > seq}

    def first_time(self, conversation_id: int, seq: int) -> bool:
        """True the first time a seq is offered for a conversation; records it."""
        entry = self._entry(conversation_id)
        if seq <= entry.floor or seq in entry.above:
            return False
        entry.above.add(seq)
        while entry.floor + 1 in entry.above:
            entry.floor += 1
            entry.above.discard(entry.floor)
        return True

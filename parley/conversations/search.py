"""Searching conversation history: message text and the contact's name or e-mail."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from parley.accounts.models import Member
from parley.conversations.models import Conversation, Message
from parley.conversations.search_text import query_words
from parley.conversations.selectors import visible_conversations
from parley.privacy.mask import mask_text

MAX_RESULTS = 50
SNIPPET_CHARS = 120


@dataclass(frozen=True)
class SearchHit:
    conversation: Conversation
    message: Message | None
    snippet: str


def snippet_around(body: str, words: list[str]) -> str:
    lowered = body.lower()
    positions = [p for p in (lowered.find(w) for w in words) if p >= 0]
    start = max(0, min(positions, default=0) - SNIPPET_CHARS // 3)
    text = body[start : start + SNIPPET_CHARS]
    return ("…" if start else "") + text + ("…" if start + SNIPPET_CHARS < len(body) else "")


def search_history(*, member: Member, query: str) -> list[SearchHit]:
    """Messages whose words start with every query word, newest first, then conversations
    whose contact matches by name or e-mail. Private notes are found too: only members search."""
    words = query_words(query)
    if not words:
        return []
    conversations = visible_conversations(member=member)
    messages = Message.objects.filter(conversation__in=conversations.values("pk"))
    for word in words:
        messages = messages.filter(search_words__contains=f" {word}")
    hits = [
        SearchHit(
            conversation=m.conversation, message=m, snippet=snippet_around(mask_text(m.body), words)
        )
        for m in messages.select_related("conversation__contact", "conversation__inbox").order_by(
            "-created_at", "-pk"
        )[:MAX_RESULTS]
    ]
    text = query.strip()
    by_contact = (
        conversations.filter(Q(contact__name__icontains=text) | Q(contact__email__icontains=text))
        .select_related("contact", "inbox")
        .order_by("-last_activity_at")[: MAX_RESULTS - len(hits)]
    )
    seen = {hit.conversation.pk for hit in hits}
    hits += [
        SearchHit(conversation=c, message=None, snippet=c.contact.display_name)
        for c in by_contact
        if c.pk not in seen
    ]
    return hits

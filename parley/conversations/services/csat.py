"""Customer satisfaction: ask when a conversation is resolved, take one answer per conversation.

The request is made inside the resolving transaction (``save_state`` calls ``csat_request``
whenever a conversation's status becomes resolved, whichever service resolves it) and announced
to the contact's widget after commit. The customer answers from the widget or from a signed link
in an e-mail (``csat_link``); an answer may be changed for ``PARLEY_CSAT_EDIT_WINDOW`` seconds.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any, Literal, TypedDict

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from parley.conversations import realtime
from parley.conversations.models import Conversation, CsatResponse, CsatSource
from parley.conversations.text import clean_body
from parley.errors import ApplicationError, ErrorCode

LINK_SALT = "parley.conversations.csat-link"
LINK_MAX_AGE = 30 * 86400
COMMENT_MAX_CHARS = 1000
DEFAULT_EDIT_WINDOW = 24 * 3600


def edit_window() -> timedelta:
    """How long an answer may be changed: the Django setting, else the environment variable of
    the same name (seconds), else 24 hours."""
    seconds = getattr(settings, "PARLEY_CSAT_EDIT_WINDOW", None)
    if seconds is None:
        seconds = os.environ.get("PARLEY_CSAT_EDIT_WINDOW") or DEFAULT_EDIT_WINDOW
    return timedelta(seconds=int(seconds))


class CsatState(TypedDict):
    """A CSAT request and its answer, as the contact (widget, link page) sees it."""

    conversation: int
    expires_at: str
    rating: int | None
    comment: str
    answered_at: str | None
    editable_until: str | None
    open: bool  # may the customer answer (or change the answer) now


class CsatRequestFrame(TypedDict):
    type: Literal["csat.request"]
    conversation: int
    expires_at: str


class CsatAnsweredFrame(TypedDict):
    type: Literal["csat.answered"]
    conversation: int
    csat: CsatState


def editable_until(response: CsatResponse) -> datetime | None:
    return response.answered_at + edit_window() if response.answered_at else None


def is_open(response: CsatResponse, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    until = editable_until(response)
    return now <= until if until is not None else now <= response.expires_at


def csat_state(response: CsatResponse, *, now: datetime | None = None) -> CsatState:
    until = editable_until(response)
    return {
        "conversation": response.conversation_id,
        "expires_at": response.expires_at.isoformat(),
        "rating": response.rating,
        "comment": response.comment,
        "answered_at": response.answered_at.isoformat() if response.answered_at else None,
        "editable_until": until.isoformat() if until else None,
        "open": is_open(response, now=now),
    }


def csat_request(*, conversation: Conversation) -> CsatResponse:
    """Ask the contact to rate a conversation that has just been resolved (inside the resolving
    transaction, with the conversation locked). Resolving again after a reopen asks again on the
    same row, with the snapshot of who handled it taken anew."""
    response, _ = CsatResponse.objects.update_or_create(
        conversation=conversation, defaults=_request_values(conversation, timezone.now())
    )
    _announce_request(conversation, response)
    return response


def csat_requests_many(*, conversations: list[Conversation]) -> None:
    """``csat_request`` for many conversations resolved together (bulk actions): one
    INSERT … ON CONFLICT UPDATE of the same values, the same frames after commit."""
    if not conversations:
        return
    now = timezone.now()
    rows = [CsatResponse(conversation=c, **_request_values(c, now)) for c in conversations]
    CsatResponse.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["conversation"],
        update_fields=[*_REQUEST_FIELDS, "updated_at"],
    )
    for conversation, row in zip(conversations, rows, strict=True):
        _announce_request(conversation, row)


_REQUEST_FIELDS = [
    "workspace",
    "inbox",
    "assignee",
    "team",
    "resolved_at",
    "expires_at",
    "answered_at",
]


def _request_values(conversation: Conversation, now: datetime) -> dict[str, Any]:
    """A new request's snapshot; an earlier rating stays until the customer changes it."""
    return {
        "workspace_id": conversation.workspace_id,
        "inbox_id": conversation.inbox_id,
        "assignee_id": conversation.assignee_id,
        "team_id": conversation.team_id,
        "resolved_at": conversation.resolved_at or now,
        "expires_at": now + timedelta(seconds=LINK_MAX_AGE),
        "answered_at": None,
    }


def _announce_request(conversation: Conversation, response: CsatResponse) -> None:
    frame: CsatRequestFrame = {
        "type": "csat.request",
        "conversation": conversation.pk,
        "expires_at": response.expires_at.isoformat(),
    }
    realtime.publish_on_commit([realtime.contact_group(conversation.contact_id)], frame)


def clean_comment(raw: str) -> str:
    if len(raw) > COMMENT_MAX_CHARS:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"A comment may be at most {COMMENT_MAX_CHARS} characters.",
            fields={"comment": "too long"},
        )
    return clean_body(raw, allow_empty=True)


@transaction.atomic
def csat_submit(
    *, conversation: Conversation, rating: int, comment: str = "", source: str = CsatSource.WIDGET
) -> CsatResponse:
    """The contact's answer. The first answer to a request opens the edit window; answers within
    it change the same row; after it the stored answer stands (409)."""
    if not 1 <= rating <= 5:
        raise ApplicationError(
            ErrorCode.INVALID, "A rating is a whole number from 1 to 5.", fields={"rating": "range"}
        )
    comment = clean_comment(comment)
    response = (
        CsatResponse.objects.select_for_update().filter(conversation_id=conversation.pk).first()
    )
    if response is None:
        raise ApplicationError(
            ErrorCode.CSAT_NOT_REQUESTED, "This conversation has not been resolved yet."
        )
    now = timezone.now()
    until = editable_until(response)
    if until is None and now > response.expires_at:
        raise ApplicationError(ErrorCode.CSAT_EXPIRED, "This rating request has expired.")
    if until is not None and now > until:
        raise ApplicationError(
            ErrorCode.CSAT_EDIT_WINDOW_CLOSED, "The rating can no longer be changed."
        )
    response.rating = rating
    response.comment = comment
    response.source = source
    if response.answered_at is None:
        response.answered_at = now
    response.save(update_fields=["rating", "comment", "source", "answered_at", "updated_at"])
    from parley.analytics.events import event_csat  # analytics builds on conversations

    event_csat(conversation=conversation, response=response)
    frame: CsatAnsweredFrame = {
        "type": "csat.answered",
        "conversation": conversation.pk,
        "csat": csat_state(response, now=now),
    }
    groups = [*realtime.staff_groups(conversation), realtime.contact_group(conversation.contact_id)]
    realtime.publish_on_commit(groups, frame)
    return response


def csat_token(conversation: Conversation) -> str:
    return signing.dumps(conversation.pk, salt=LINK_SALT, compress=True)


def csat_link(conversation: Conversation) -> str:
    """The absolute path of the signed rating page for e-mails (valid for 30 days, no login).
    Prefix it with the site's origin."""
    return reverse("csat-link", kwargs={"token": csat_token(conversation)})


def conversation_id_from_token(token: str) -> int:
    """Raise ``invalid_token`` for a forged link and ``csat_expired`` for an old one."""
    try:
        value = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ApplicationError(ErrorCode.CSAT_EXPIRED, "This rating link has expired.") from exc
    except signing.BadSignature as exc:
        raise ApplicationError(ErrorCode.INVALID_TOKEN, "This rating link is not valid.") from exc
    if not isinstance(value, int):
        raise ApplicationError(ErrorCode.INVALID_TOKEN, "This rating link is not valid.")
    return value

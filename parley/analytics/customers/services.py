"""State changes of profiles made by people: marking a contact as followed up (audited)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from parley.accounts.models import Member
from parley.accounts.services import audit_record
from parley.analytics.customers.models import ContactProfile
from parley.errors import ApplicationError, ErrorCode

NOTE_LIMIT = 500


@transaction.atomic
def profile_follow_up(
    *, actor: Member, profile: ContactProfile, done: bool, note: str, now: datetime
) -> ContactProfile:
    """Mark (``done``) or unmark a contact as followed up, with an optional note."""
    if not actor.is_supervising:
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Follow-ups are for supervisors.")
    note = note.strip()
    if len(note) > NOTE_LIMIT:
        raise ApplicationError(
            ErrorCode.INVALID, "The note is too long.", fields={"note": f"≤ {NOTE_LIMIT} chars"}
        )
    profile = ContactProfile.objects.select_for_update().get(pk=profile.pk)
    if done:
        profile.followed_up_at, profile.followed_up_by, profile.follow_up_note = now, actor, note
    else:
        profile.followed_up_at, profile.followed_up_by, profile.follow_up_note = None, None, ""
    profile.save(update_fields=["followed_up_at", "followed_up_by", "follow_up_note"])
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="customer.followed_up" if done else "customer.follow_up_cleared",
        target=profile.contact,
        data={"risk": profile.risk, "model_version": profile.model_version, "note": bool(note)},
    )
    return profile


def profile_erase_text(*, contact_id: int) -> int:
    """Forget the free text a profile holds about a contact — keywords taken from their
    messages, conversation topics, the follow-up note — keeping the figures, as erasure keeps
    statistics (parley/compliance/erasure.py). Returns the number of profiles changed."""
    return ContactProfile.objects.filter(contact_id=contact_id).update(
        keywords=[], topics=[], follow_up_note=""
    )

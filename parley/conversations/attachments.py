"""Uploading attachments, and the signed links they are served from.

A file is uploaded first (and checked, see uploads.py), then sent by naming its id in a message.
Links are signed, not guessable, and work without cookies, so the widget on a customer's site
can show an image without a session on our domain.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from parley.accounts.models import Workspace
from parley.conversations.models import Attachment, AttachmentKind
from parley.conversations.uploads import clean_upload
from parley.errors import ApplicationError, ErrorCode

SALT = "parley.attachment.v1"


@transaction.atomic
def attachment_upload(
    *,
    workspace: Workspace,
    content: bytes,
    name: str,
    member_id: int | None = None,
    contact_id: int | None = None,
) -> Attachment:
    clean = clean_upload(content=content, name=name)
    attachment = Attachment(
        workspace=workspace,
        uploaded_by_member_id=member_id,
        uploaded_by_contact_id=contact_id,
        name=clean.name,
        content_type=clean.content_type,
        size=len(clean.content),
        kind=AttachmentKind.IMAGE if clean.is_image else AttachmentKind.FILE,
        width=clean.width,
        height=clean.height,
    )
    attachment.file.save(clean.name, ContentFile(clean.content), save=False)
    if clean.thumbnail is not None:
        attachment.thumbnail.save("thumbnail.jpg", ContentFile(clean.thumbnail), save=False)
    attachment.save()
    return attachment


def unsent_attachments(
    *, ids: list[int], workspace_id: int, member_id: int | None, contact_id: int | None
) -> list[Attachment]:
    """The sender's own uploads that no message carries yet, in the order named."""
    if not ids:
        return []
    found = {
        a.pk: a
        for a in Attachment.objects.select_for_update().filter(
            pk__in=ids,
            workspace_id=workspace_id,
            message__isnull=True,
            uploaded_by_member_id=member_id,
            uploaded_by_contact_id=contact_id,
        )
    }
    if len(found) != len(set(ids)):
        raise ApplicationError(
            ErrorCode.INVALID,
            "An attachment is unknown or already sent.",
            fields={"attachments": "unknown"},
        )
    return [found[i] for i in dict.fromkeys(ids)]


def signed_url(attachment: Attachment, *, thumbnail: bool = False, name: str | None = None) -> str:
    """``name``: what the link shows as the file's name (masked for staff); the token alone
    decides which file is served."""
    token = signing.dumps([attachment.pk, 1 if thumbnail else 0], salt=SALT)
    shown = attachment.name if name is None else name
    return reverse("attachment-file", kwargs={"token": token, "name": shown})


def attachment_from_token(token: str) -> tuple[Attachment, bool]:
    try:
        attachment_id, thumbnail = signing.loads(
            token, salt=SALT, max_age=settings.PARLEY_FILE_LINK_MAX_AGE
        )
        attachment = Attachment.objects.get(pk=int(attachment_id))
    except (signing.BadSignature, ValueError, TypeError, Attachment.DoesNotExist) as exc:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such file.") from exc
    return attachment, bool(thumbnail)

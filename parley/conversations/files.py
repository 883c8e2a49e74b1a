"""Serving attachment files with headers that keep them inert in the browser."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.utils.encoding import escape_uri_path

from parley.conversations.attachments import attachment_from_token
from parley.errors import ApplicationError


def attachment_file(request: HttpRequest, token: str, name: str) -> FileResponse:
    try:
        attachment, thumbnail = attachment_from_token(token)
    except ApplicationError as exc:
        raise Http404 from exc
    stored = attachment.thumbnail if thumbnail and attachment.thumbnail else attachment.file
    content_type = "image/jpeg" if stored is attachment.thumbnail else attachment.content_type
    response = FileResponse(stored.open("rb"), content_type=content_type)
    disposition = "inline" if attachment.kind == "image" else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{escape_uri_path(attachment.name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a file were to be rendered as a document, it could run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=86400"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response

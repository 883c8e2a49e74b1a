"""Cleaning message text on the way in. Bodies are plain text: clients escape on the way out."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings

from parley.errors import ApplicationError, ErrorCode

# C0/C1 control characters except tab and newline, plus the bidi overrides used to disguise text.
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_body(raw: str, *, allow_empty: bool = False) -> str:
    """Normalise and bound a message body; raise the wire-contract error codes on bad input."""
    if len(raw) > settings.PARLEY_MESSAGE_MAX_CHARS:
        raise ApplicationError(
            ErrorCode.BODY_TOO_LONG,
            f"A message may be at most {settings.PARLEY_MESSAGE_MAX_CHARS} characters.",
        )
    body = _UNWANTED.sub("", unicodedata.normalize("NFC", raw.replace("\r\n", "\n"))).strip()
    if not body and not allow_empty:
        raise ApplicationError(ErrorCode.BODY_EMPTY, "A message needs some text.")
    return body

"""Widget session tokens: a signed (contact, inbox) pair.

Signed rather than stored, so any web process can check one without a lookup table, and a
visitor who reloads presents the same token and gets the same contact back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "parley.widget-session.v1"


@dataclass(frozen=True)
class WidgetIdentity:
    contact_id: int
    inbox_id: int


def issue_token(*, contact_id: int, inbox_id: int) -> str:
    return signing.dumps({"c": contact_id, "i": inbox_id}, salt=SALT, compress=True)


def read_token(token: str) -> WidgetIdentity | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.PARLEY_WIDGET_TOKEN_MAX_AGE)
        return WidgetIdentity(contact_id=int(data["c"]), inbox_id=int(data["i"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None

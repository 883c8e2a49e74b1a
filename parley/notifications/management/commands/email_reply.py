from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from parley.notifications.replies import email_reply_receive


class Command(BaseCommand):
    help = (
        "Take one e-mail (raw RFC 5322) from standard input and land it in the conversation "
        "whose reply address it was sent to; e.g. a mail server's pipe for the reply domain."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = email_reply_receive(raw=sys.stdin.buffer.read())
        detail = f" ({result.reason})" if result.reason else ""
        where = f" conversation {result.conversation_id}" if result.conversation_id else ""
        self.stdout.write(f"{result.outcome}{detail}{where}")

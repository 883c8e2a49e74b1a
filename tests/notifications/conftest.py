"""A real SMTP server in the test process (aiosmtpd on a free port) with Django's SMTP
backend pointed at it; tests read what it received, parsed as a mail client would."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Received:
    raw: bytes
    envelope_to: list[str]

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def raw_headers(self) -> bytes:
        return self.raw.split(b"\r\n\r\n", 1)[0]

    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())

    def html(self) -> str:
        part = self.message.get_body(("html",))
        assert part is not None
        return str(part.get_content())


@dataclass
class Mailbox:
    """What the server took; ``refuse_next`` answers that many DATA commands with
    ``refuse_with`` (451, try again later, unless told otherwise)."""

    received: list[Received] = field(default_factory=list)
    refuse_next: int = 0
    refuse_with: str = "451 4.3.0 Try again later"
    refused: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_next > 0:
            self.refuse_next -= 1
            self.refused += 1
            return self.refuse_with
        self.received.append(Received(raw=envelope.original_content, envelope_to=envelope.rcpt_tos))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server(settings) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Parley <support@parley.test>"
    settings.PARLEY_REPLY_DOMAIN = "reply.parley.test"
    settings.PARLEY_PUBLIC_URL = "https://help.parley.test"
    settings.PARLEY_EMAIL_NOTIFICATIONS = True
    try:
        yield mailbox
    finally:
        controller.stop()

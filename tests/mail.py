"""A real SMTP server in the test process (aiosmtpd on a free port); tests read what it
received, parsed as a mail client would. The `smtp_server` fixture (tests/conftest.py) points
Django's SMTP backend at one; browser tests hand its port to the server they start."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

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


@contextmanager
def running_smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()

"""Parsing client frames of wire contract v1 into typed values, with the contract's error codes."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from parley.errors import ApplicationError, ErrorCode

CLIENT_FRAME_TYPES = {"hello", "message.create", "typing", "read", "ping"}
MAX_FRAME_BYTES = 256 * 1024


def parse_frame(text: str | None) -> dict[str, Any]:
    if text is None:
        raise ApplicationError(ErrorCode.INVALID_JSON, "Frames are JSON text.")
    if len(text) > MAX_FRAME_BYTES or len(text.encode()) > MAX_FRAME_BYTES:
        raise ApplicationError(ErrorCode.BODY_TOO_LONG, "The frame is too large.")
    try:
        content = json.loads(text)
    except ValueError as exc:
        raise ApplicationError(ErrorCode.INVALID_JSON, "The frame is not valid JSON.") from exc
    if not isinstance(content, dict):
        raise ApplicationError(ErrorCode.INVALID, "A frame is a JSON object.")
    frame_type = content.get("type")
    if frame_type not in CLIENT_FRAME_TYPES:
        raise ApplicationError(ErrorCode.UNKNOWN_TYPE, f"Unknown frame type {frame_type!r}.")
    return content


def _field(content: dict[str, Any], name: str) -> Any:
    if name not in content:
        raise ApplicationError(
            ErrorCode.MISSING_FIELD, f"The frame needs '{name}'.", fields={name: "missing"}
        )
    return content[name]


def _conversation_id(value: Any, *, allow_null: bool) -> int | None:
    if value is None and allow_null:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ApplicationError(
            ErrorCode.INVALID,
            "'conversation' must be a conversation id.",
            fields={"conversation": "not an id"},
        )
    return value


@dataclass(frozen=True)
class Hello:
    token: str | None
    resume: dict[int, int]


def parse_hello(content: dict[str, Any]) -> Hello:
    token = content.get("token")
    if token is not None and not isinstance(token, str):
        raise ApplicationError(ErrorCode.INVALID, "'token' must be a string.")
    raw = content.get("resume") or {}
    if not isinstance(raw, dict):
        raise ApplicationError(ErrorCode.INVALID, "'resume' maps conversation ids to seqs.")
    resume: dict[int, int] = {}
    for key, seq in raw.items():
        try:
            conversation_id = int(key)
        except (TypeError, ValueError) as exc:
            raise ApplicationError(
                ErrorCode.INVALID, "'resume' keys are conversation ids."
            ) from exc
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            raise ApplicationError(ErrorCode.INVALID, "'resume' values are seqs (>= 0).")
        resume[conversation_id] = seq
    return Hello(token=token, resume=resume)


@dataclass(frozen=True)
class MessageCreate:
    client_id: uuid.UUID
    conversation: int | None
    body: str
    private: bool
    attachments: list[int]
    topic: str


def parse_message_create(content: dict[str, Any]) -> MessageCreate:
    raw_client_id = _field(content, "client_id")
    try:
        client_id = uuid.UUID(str(raw_client_id))
    except ValueError as exc:
        raise ApplicationError(
            ErrorCode.INVALID, "'client_id' must be a UUID.", fields={"client_id": "not a UUID"}
        ) from exc
    conversation = _conversation_id(_field(content, "conversation"), allow_null=True)
    body = _field(content, "body")
    if not isinstance(body, str):
        raise ApplicationError(ErrorCode.INVALID, "'body' must be a string.")
    attachments = content.get("attachments") or []
    if not isinstance(attachments, list) or not all(
        isinstance(a, int) and not isinstance(a, bool) and a > 0 for a in attachments
    ):
        raise ApplicationError(ErrorCode.INVALID, "'attachments' is a list of attachment ids.")
    private = content.get("private", False)
    if not isinstance(private, bool):
        raise ApplicationError(ErrorCode.INVALID, "'private' must be true or false.")
    topic = content.get("topic") or ""
    if not isinstance(topic, str) or len(topic) > 80:
        raise ApplicationError(ErrorCode.INVALID, "'topic' is a short string.")
    return MessageCreate(
        client_id=client_id,
        conversation=conversation,
        body=body,
        private=private,
        attachments=attachments,
        topic=topic,
    )


@dataclass(frozen=True)
class Typing:
    conversation: int
    on: bool
    private: bool


def parse_typing(content: dict[str, Any]) -> Typing:
    conversation = _conversation_id(_field(content, "conversation"), allow_null=False)
    on = _field(content, "on")
    if not isinstance(on, bool):
        raise ApplicationError(ErrorCode.INVALID, "'on' must be true or false.")
    assert conversation is not None
    return Typing(conversation=conversation, on=on, private=content.get("private") is True)


@dataclass(frozen=True)
class Read:
    conversation: int
    seq: int


def parse_read(content: dict[str, Any]) -> Read:
    conversation = _conversation_id(_field(content, "conversation"), allow_null=False)
    seq = _field(content, "seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise ApplicationError(ErrorCode.INVALID, "'seq' must be a whole number >= 0.")
    assert conversation is not None
    return Read(conversation=conversation, seq=seq)

"""The link protocol, sans I/O: text frames in, messages and replies out.

This is AITuberKit's External Linkage Mode (see ../shared/PROTOCOL.md) in both
generations: v1 ("legacy") messages and the v2 envelope. Nothing here touches a
socket, a clock or a queue, so every rule is tested on plain strings.
``parse_frame`` either returns a ``Parsed`` (the messages are plain data in
``engine.link.messages``) or raises ``ProtocolError`` with one of the coded
errors; no other exception escapes it. What we send back is built in
``engine.link.replies``.
"""
from __future__ import annotations

import enum
import json
import math
import re
from typing import Any

from engine.link.bot_audio import DEFAULT_MAX_AUDIO_S, AudioProblem, decode_audio
from engine.link.image import BadImage, check_image
from engine.link.messages import (
    Ack,
    Block,
    Cancel,
    ChatError,
    ChatMessage,
    Event,
    Hello,
    Parsed,
    Ping,
    Pong,
    Ready,
    UserChat,
    Warning,
)
from engine.vocabulary import EMOTIONS, Role

PANEL_ROLES = frozenset({"code", "output", "executing", "console"})
DEFAULT_MAX_TEXT_LENGTH = 2000
DEFAULT_MAX_IMAGE_BYTES = 2 * 1024 * 1024


class ErrorCode(enum.StrEnum):
    INVALID_JSON = "invalid_json"
    NOT_AN_OBJECT = "not_an_object"
    MISSING_FIELD = "missing_field"
    BAD_FIELD = "bad_field"
    TOO_LONG = "too_long"
    QUEUE_FULL = "queue_full"
    RATE_LIMITED = "rate_limited"
    UNAUTHORIZED = "unauthorized"
    UNKNOWN_TYPE = "unknown_type"
    UNKNOWN_CHARACTER = "unknown_character"
    BAD_AUDIO = "bad_audio"


class ProtocolError(Exception):
    """A frame we refuse, with the code and message sent back to the bot.
    ``too_large``: refused for its size (the HTTP API answers 413)."""

    def __init__(self, code: ErrorCode, message: str, event_id: str | None = None,
                 event_type: str | None = None, too_large: bool = False) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.too_large = too_large
        self.event_id = event_id      # a v2 event's id: answered by an error ack
        self.event_type = event_type


# Control characters a bot may send by accident; tab and newlines are fine.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _refuse_constant(name: str) -> Any:
    raise ProtocolError(ErrorCode.INVALID_JSON, f"frame is not valid JSON: {name} is not allowed")


def _loads(frame: str) -> Any:
    try:
        return json.loads(frame, parse_constant=_refuse_constant)
    except json.JSONDecodeError as err:
        raise ProtocolError(ErrorCode.INVALID_JSON,
                            f"frame is not valid JSON: {err.msg} at column {err.colno}") from None
    except RecursionError:
        raise ProtocolError(ErrorCode.INVALID_JSON, "frame is not valid JSON: nested too deeply") from None
    except ValueError as err:  # e.g. an integer longer than Python's digit limit
        raise ProtocolError(ErrorCode.INVALID_JSON, f"frame is not valid JSON: {err}"[:200]) from None


def parse_json(text: str) -> Any:
    """JSON as the link reads it (no NaN, bounded nesting); raises ProtocolError (invalid_json)."""
    return _loads(text)


def _check_text_field(obj: dict[str, Any], field: str, max_length: int) -> str:
    value = obj[field]
    if not isinstance(value, str):
        raise ProtocolError(ErrorCode.BAD_FIELD, f"field '{field}' must be a string, not {_json_type(value)}")
    if _SURROGATE.search(value):
        raise ProtocolError(ErrorCode.BAD_FIELD, f"field '{field}' contains a lone surrogate")
    if _CONTROL.search(value):
        raise ProtocolError(ErrorCode.BAD_FIELD, f"field '{field}' contains control characters")
    if len(value) > max_length:
        raise ProtocolError(ErrorCode.TOO_LONG,
                            f"field '{field}' is {len(value)} characters; the limit is {max_length}")
    return value


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    for kind, name in ((bool, "a boolean"), ((int, float), "a number"), (list, "an array"), (dict, "an object")):
        if isinstance(value, kind):
            return name
    return "a string"


def _message_id(value: Any) -> str | None:
    # Bots use both strings and numbers as ids; anything else is not an id.
    if isinstance(value, str) and value and not _SURROGATE.search(value):
        return value[:200]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    return None


def _presentation(role: str) -> Role:
    if role == "assistant":
        return Role.SPEECH
    if role == "user":
        return Role.QUESTION
    if role in PANEL_ROLES:
        return Role.PANEL
    return Role.PLAIN


def parse_frame(frame: str, max_text_length: int = DEFAULT_MAX_TEXT_LENGTH,
                max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES) -> Parsed:
    """Validate one text frame. Raises ``ProtocolError`` for anything we refuse."""
    obj = _loads(frame)
    if not isinstance(obj, dict):
        raise ProtocolError(ErrorCode.NOT_AN_OBJECT, f"frame must be a JSON object, not {_json_type(obj)}")
    if "version" in obj and str(obj["version"]) == "2":
        return _parse_v2(obj, max_text_length, max_image_bytes)
    if obj.get("type") == "chat" and "content" in obj and "text" not in obj:
        return Parsed(UserChat(_check_text_field(obj, "content", max_text_length)))
    for field in ("text", "role"):
        if field not in obj:
            raise ProtocolError(ErrorCode.MISSING_FIELD, f"field '{field}' is required")
    kind = obj.get("type")
    if kind is not None and not isinstance(kind, str):
        raise ProtocolError(ErrorCode.BAD_FIELD, f"field 'type' must be a string, not {_json_type(kind)}")
    return _chat_message(obj, kind, max_text_length, max_image_bytes, message_id=_message_id(obj.get("id")),
                         request_id=None, version="1")


def _chat_message(fields: dict[str, Any], kind: str | None, max_text_length: int, max_image_bytes: int, *,
                  message_id: str | None,
                  request_id: str | None, version: str, event_id: str | None = None,
                  event_type: str | None = None, max_audio_s: float = DEFAULT_MAX_AUDIO_S) -> Parsed:
    """The fields shared by v1 messages and v2 chat payloads."""
    text = _check_text_field(fields, "text", max_text_length) if "text" in fields else ""
    role = _check_text_field(fields, "role", 100).strip() if "role" in fields else "assistant"

    warnings: list[Warning] = []
    presentation = _presentation(role)
    if presentation is Role.PLAIN:
        warnings.append(Warning("role", f"role '{role}' is not spoken; use 'assistant' to speak"))

    emotion = fields.get("emotion")
    emotion_given = False
    if emotion is None:
        emotion = "neutral"
    elif not isinstance(emotion, str) or emotion.strip().lower() not in EMOTIONS:
        shown = emotion if isinstance(emotion, str) else _json_type(emotion)
        warnings.append(Warning("emotion", f"unknown emotion {shown!r:.40}; using neutral. "
                                           f"Known: {', '.join(EMOTIONS)}"))
        emotion = "neutral"
    else:
        emotion = emotion.strip().lower()
        emotion_given = True

    image = None
    if fields.get("image"):  # AITuberKit ignores an empty one too
        try:
            image = check_image(fields["image"], max_image_bytes)
        except BadImage as bad:
            warnings.append(Warning("image", f"{bad}; the text is still spoken"))

    character = None
    if fields.get("character") is not None:
        character = _check_text_field(fields, "character", 100).strip() or None

    block = {"start": Block.START, "end": Block.END}.get((kind or "").strip().lower(), Block.APPEND)
    audio = None
    if fields.get("audio") is not None:
        try:
            audio = decode_audio(fields["audio"], fields.get("visemes"), max_audio_s)
        except AudioProblem as problem:
            raise ProtocolError(ErrorCode.BAD_AUDIO, str(problem), too_large=problem.too_large) from None
    elif fields.get("visemes") is not None:
        raise ProtocolError(ErrorCode.BAD_FIELD, "field 'visemes' times the bot's own 'audio', which is missing")
    if fields.get("interrupt") is not None and not isinstance(fields["interrupt"], bool):
        raise ProtocolError(ErrorCode.BAD_FIELD, f"field 'interrupt' must be a boolean, not "
                                                 f"{_json_type(fields['interrupt'])}")
    message = ChatMessage(text=text, role=role, presentation=presentation, emotion=emotion, block=block,
                          message_id=message_id, request_id=request_id, version=version,
                          emotion_given=emotion_given, image=image, cancelled=fields.get("cancelled") is True,
                          character=character, audio=audio, priority=fields.get("priority") == "high",
                          interrupt=fields.get("interrupt") is True)
    return Parsed(message, tuple(warnings), version, event_id, event_type)


def chat_message(fields: dict[str, Any], max_text_length: int = DEFAULT_MAX_TEXT_LENGTH,
                 message_id: str | None = None, max_audio_s: float = DEFAULT_MAX_AUDIO_S,
                 max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES) -> Parsed:
    """A message built from already-decoded JSON fields (``text``, ``role``,
    ``emotion``, ``audio``, ...), by the same rules as a v1 frame: the HTTP
    API's way in. Raises ProtocolError."""
    return _chat_message(fields, None, max_text_length, max_image_bytes, message_id=message_id, request_id=None,
                         version="1", max_audio_s=max_audio_s)


# v2 chat events and the legacy block type each stands for.
_V2_CHAT = {"chat.start": "start", "chat.delta": None, "chat.done": "end"}


def _parse_v2(obj: dict[str, Any], max_text_length: int, max_image_bytes: int) -> Parsed:
    event_id = _message_id(obj.get("id"))
    event_type = obj.get("type")
    try:
        return _parse_v2_event(obj, event_id, event_type, max_text_length, max_image_bytes)
    except ProtocolError as err:
        if event_id is None:
            raise
        raise ProtocolError(err.code, err.message, event_id, event_type if isinstance(event_type, str) else None) \
            from None


def _parse_v2_event(obj: dict[str, Any], event_id: str | None, event_type: Any, max_text_length: int,
                    max_image_bytes: int) -> Parsed:
    if "type" not in obj:
        raise ProtocolError(ErrorCode.MISSING_FIELD, "field 'type' is required in a v2 event")
    if not isinstance(event_type, str):
        raise ProtocolError(ErrorCode.BAD_FIELD, f"field 'type' must be a string, not {_json_type(event_type)}")
    payload = obj.get("payload", {})
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise ProtocolError(ErrorCode.BAD_FIELD, f"field 'payload' must be an object, not {_json_type(payload)}")
    # AITuberKit reads ``requestId ?? payload.requestId``; so do we.
    request_id = _message_id(obj.get("requestId")) or _message_id(payload.get("requestId"))

    def parsed(event: Event) -> Parsed:
        return Parsed(event, (), "2", event_id, event_type)

    if event_type in _V2_CHAT:
        if event_type == "chat.delta" and "text" not in payload:
            raise ProtocolError(ErrorCode.MISSING_FIELD, "field 'payload.text' is required in chat.delta")
        kind = _V2_CHAT[event_type]
        legacy = payload.get("legacyType")
        if kind is None and isinstance(legacy, str):
            kind = legacy
        return _chat_message(payload, kind, max_text_length, max_image_bytes, message_id=event_id,
                             request_id=request_id, version="2", event_id=event_id, event_type=event_type)
    if event_type == "session.hello":
        capabilities = payload.get("capabilities", {})
        return parsed(Hello(capabilities if isinstance(capabilities, dict) else {}))
    if event_type == "ping":
        return parsed(Ping())
    if event_type == "pong":
        return parsed(Pong())
    if event_type == "control.cancel":
        return parsed(Cancel(request_id))
    if event_type == "chat.error":
        message = payload.get("message") or payload.get("text") or payload.get("error") or "the bot reported an error"
        if not isinstance(message, str):
            message = json.dumps(message)[:200]
        fields = {"message": message}
        return parsed(ChatError(_check_text_field(fields, "message", max_text_length), request_id))
    if event_type == "session.ready":
        capabilities = payload.get("capabilities", {})
        return parsed(Ready(capabilities if isinstance(capabilities, dict) else {}))
    if event_type == "ack":
        status = payload.get("status")
        return parsed(Ack(_message_id(payload.get("requestId")), status if isinstance(status, str) else "ok"))
    if event_type == "chat.message":
        text = payload.get("content", payload.get("text"))
        return parsed(UserChat(_check_text_field({"content": text}, "content", max_text_length)))
    raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown v2 event type {event_type[:60]!r}")

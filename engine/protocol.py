"""The link protocol, sans I/O: text frames in, messages and replies out.

This is AITuberKit's External Linkage Mode (see ../shared/PROTOCOL.md). Nothing
here touches a socket, a clock or a queue, so every rule is tested on plain
strings. ``parse_frame`` either returns a ``Parsed`` or raises ``ProtocolError``
with one of the coded errors; no other exception escapes it.
"""
from __future__ import annotations

import enum
import json
import math
import re
from dataclasses import dataclass
from typing import Any

EMOTIONS = ("neutral", "happy", "sad", "angry", "relaxed", "surprised")
PANEL_ROLES = frozenset({"code", "output", "executing", "console"})
DEFAULT_MAX_TEXT_LENGTH = 2000


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


class ProtocolError(Exception):
    """A frame we refuse, with the code and message sent back to the bot."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Block(enum.Enum):
    """Where a message sits in a response block (the legacy ``type`` field)."""

    START = "start"    # clears the subtitle and opens a new block
    END = "end"        # closes the block after its text
    APPEND = "append"  # anything else: joins the open block, or opens one


class Role(enum.Enum):
    """How a message is presented, decided by its ``role``."""

    SPEECH = "speech"      # assistant: shown and spoken
    QUESTION = "question"  # user: the viewer's line being answered, never spoken
    PANEL = "panel"        # code/output/executing/console: monospace panel
    PLAIN = "plain"        # anything else: a plain line, with a warning


@dataclass(frozen=True)
class Warning:
    field: str
    message: str


@dataclass(frozen=True)
class ChatMessage:
    """A v1 message, validated and normalised."""

    text: str
    role: str
    presentation: Role
    emotion: str
    block: Block
    message_id: str | None = None

    @property
    def spoken(self) -> bool:
        return self.presentation is Role.SPEECH


@dataclass(frozen=True)
class Parsed:
    message: ChatMessage
    warnings: tuple[Warning, ...] = ()


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
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
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


def parse_frame(frame: str, max_text_length: int = DEFAULT_MAX_TEXT_LENGTH) -> Parsed:
    """Validate one text frame. Raises ``ProtocolError`` for anything we refuse."""
    obj = _loads(frame)
    if not isinstance(obj, dict):
        raise ProtocolError(ErrorCode.NOT_AN_OBJECT, f"frame must be a JSON object, not {_json_type(obj)}")
    if obj.get("version") == "2" or obj.get("version") == 2:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, "v2 events are not supported by this version of kuchipaku")
    for field in ("text", "role"):
        if field not in obj:
            raise ProtocolError(ErrorCode.MISSING_FIELD, f"field '{field}' is required")
    text = _check_text_field(obj, "text", max_text_length)
    role = _check_text_field(obj, "role", 100).strip()

    warnings: list[Warning] = []
    presentation = _presentation(role)
    if presentation is Role.PLAIN:
        warnings.append(Warning("role", f"role '{role}' is not spoken; use 'assistant' to speak"))

    emotion = obj.get("emotion")
    if emotion is None:
        emotion = "neutral"
    elif not isinstance(emotion, str) or emotion.strip().lower() not in EMOTIONS:
        shown = emotion if isinstance(emotion, str) else _json_type(emotion)
        warnings.append(Warning("emotion", f"unknown emotion {shown!r:.40}; using neutral. "
                                           f"Known: {', '.join(EMOTIONS)}"))
        emotion = "neutral"
    else:
        emotion = emotion.strip().lower()

    kind = obj.get("type")
    if kind is not None and not isinstance(kind, str):
        raise ProtocolError(ErrorCode.BAD_FIELD, f"field 'type' must be a string, not {_json_type(kind)}")
    block = {"start": Block.START, "end": Block.END}.get((kind or "").strip().lower(), Block.APPEND)

    message = ChatMessage(text=text, role=role, presentation=presentation, emotion=emotion,
                          block=block, message_id=_message_id(obj.get("id")))
    return Parsed(message, tuple(warnings))


def error_reply(code: ErrorCode, message: str) -> str:
    """The JSON sent back on the same connection for a refused frame."""
    return json.dumps({"type": "error", "code": str(code), "message": message}, ensure_ascii=False)


def warning_reply(warning: Warning) -> str:
    """The JSON sent back for an accepted frame that had a problem."""
    return json.dumps({"type": "warning", "code": str(ErrorCode.BAD_FIELD), "field": warning.field,
                       "message": warning.message}, ensure_ascii=False)

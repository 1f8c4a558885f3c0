"""Every frame we send, built as text. Sans I/O like ``engine.link.protocol``: the
clock and the id counter are injected, so tests can pin them down."""
from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from engine.link.messages import Warning
from engine.link.protocol import ErrorCode
from engine.vocabulary import EMOTIONS

LIFECYCLE_EVENTS = (
    "character.message.received",
    "character.message.rendered",
    "character.speech.start",
    "character.speech.done",
    "character.speech.error",
    "character.response.done",
)
ACCEPTED_V2_EVENTS = ("session.hello", "ping", "chat.start", "chat.delta", "chat.done", "chat.error",
                      "control.cancel")
# What we tell a server we understand in client mode: AITuberKit's list of
# strings, less file.upload (we never send files).
CLIENT_CAPABILITIES = ("ack", "ping", "pong", "chat.message", "chat.start", "chat.delta", "chat.done",
                       "chat.error", "control.cancel") + LIFECYCLE_EVENTS


def iso_timestamp(moment: datetime) -> str:
    """2026-06-20T00:00:00.000Z, as the protocol's examples."""
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _dump(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class Replies:
    def __init__(self, now: Callable[[], datetime] = _utc_now, id_prefix: str = "kp",
                 session_id: str | None = None) -> None:
        self._now = now
        self.session_id = session_id  # on every v2 event when set (client mode: one per run, as AITuberKit)
        self._ids = itertools.count(1)  # next() is atomic under the GIL: safe from any thread
        self._prefix = id_prefix

    # ---- v1 --------------------------------------------------------------------------

    @staticmethod
    def error(code: ErrorCode, message: str) -> str:
        return _dump({"type": "error", "code": str(code), "message": message})

    @staticmethod
    def warning(warning: Warning) -> str:
        return _dump({"type": "warning", "code": str(ErrorCode.BAD_FIELD), "field": warning.field,
                      "message": warning.message})

    @staticmethod
    def tts_complete() -> str:
        return _dump({"type": "tts_complete"})

    @staticmethod
    def legacy_user_chat(content: str, image: str | None = None) -> str:
        """What AITuberKit sends a legacy server when a viewer types a line."""
        return _dump({"content": content, "type": "chat", **({"image": image} if image else {})})

    # ---- v2 --------------------------------------------------------------------------

    def next_id(self) -> str:
        return f"{self._prefix}_{next(self._ids)}"

    def v2(self, event_type: str, payload: dict[str, Any], request_id: str | None = None,
           session_id: str | None = None, event_id: str | None = None) -> str:
        envelope: dict[str, Any] = {"version": "2", "id": event_id or self.next_id(), "type": event_type}
        session_id = session_id or self.session_id
        if session_id is not None:
            envelope["sessionId"] = session_id
        envelope["timestamp"] = iso_timestamp(self._now())
        if request_id is not None:
            envelope["requestId"] = request_id
        envelope["payload"] = payload
        return _dump(envelope)

    def ack(self, for_id: str, for_type: str | None, status: str = "ok", code: ErrorCode | None = None,
            message: str | None = None, warnings: tuple[Warning, ...] = ()) -> str:
        payload: dict[str, Any] = {"requestId": for_id, "type": for_type, "status": status}
        if code is not None:
            payload["code"] = str(code)
        if message is not None:
            payload["message"] = message
        if warnings:
            payload["warnings"] = [{"field": w.field, "message": w.message} for w in warnings]
        return self.v2("ack", payload)

    def pong(self, for_id: str | None) -> str:
        return self.v2("pong", {"requestId": for_id} if for_id else {})

    def ping(self) -> str:
        return self.v2("ping", {})

    def session_ready(self, session_id: str, max_text_length: int) -> str:
        return self.v2("session.ready", {"capabilities": capabilities(max_text_length)}, session_id=session_id)

    def session_hello(self) -> str:
        """AITuberKit's shape: protocolVersion "2" and a list of capability strings."""
        return self.v2("session.hello", {"protocolVersion": "2", "capabilities": list(CLIENT_CAPABILITIES)})

    def user_chat(self, content: str, event_id: str | None = None, image: str | None = None) -> str:
        """A typed line for a v2 server, as AITuberKit sends it (``payload.text``)."""
        return self.v2("chat.message", {"text": content, **({"image": image} if image else {})}, event_id=event_id)

    def cancel(self, request_id: str | None) -> str:
        """control.cancel, as AITuberKit's cancel button sends it: empty payload,
        the request (if any) at the top level."""
        return self.v2("control.cancel", {}, request_id=request_id)

    def lifecycle(self, event_type: str, request_id: str, **details: Any) -> str:
        assert event_type in LIFECYCLE_EVENTS
        return self.v2(event_type, {"requestId": request_id, **details}, request_id=request_id)


def capabilities(max_text_length: int) -> dict[str, Any]:
    return {
        "client": "kuchipaku",
        "protocolVersions": ["1", "2"],
        "accepts": list(ACCEPTED_V2_EVENTS),
        "lifecycleEvents": list(LIFECYCLE_EVENTS),
        "emotions": list(EMOTIONS),
        "cancel": True,
        "ttsComplete": True,
        "maxTextLength": max_text_length,
    }

"""Telling senders what became of their messages.

Speech events become lifecycle events (v2 envelope) for messages that carry
a ``requestId`` or an ``id``, and ``{"type": "tts_complete"}`` for legacy
senders once each of their messages has been spoken. ``received`` is sent by
the link itself when it accepts a message, so it always comes first.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.link.replies import Replies
from engine.speech.events import (
    MessageDone,
    Rendered,
    ResponseDone,
    SpeechDone,
    SpeechError,
    SpeechEvent,
    SpeechStarted,
)

Send = Callable[[int, str], None]  # (connection id, frame)
Shape = Callable[[str, str, dict[str, Any]], dict[str, Any]]  # (event type, request id, our details) -> payload

_LIFECYCLE: dict[type, str] = {
    Rendered: "character.message.rendered",
    SpeechStarted: "character.speech.start",
    SpeechError: "character.speech.error",
    SpeechDone: "character.speech.done",
    ResponseDone: "character.response.done",
}
_ABOUT_A_MESSAGE = (*_LIFECYCLE, MessageDone)


class LifecycleReporter:
    def __init__(self, send: Send, replies: Replies, tts_complete: bool, shape: Shape | None = None) -> None:
        self._send = send
        self._replies = replies
        self._tts_complete = tts_complete
        self._shape = shape  # client mode: AITuberKit's payloads (LinkClient.lifecycle_details)

    def report(self, event: SpeechEvent) -> None:
        if not isinstance(event, _ABOUT_A_MESSAGE):
            return  # what is shown, not what a sender is told
        ref = event.message
        if ref.local:  # spoken from the command line or the input box: nobody to tell
            return
        if isinstance(event, MessageDone) and ref.version == "1" and self._tts_complete:
            self._send(ref.connection, self._replies.tts_complete())
        event_type = _LIFECYCLE.get(type(event))
        if event_type is None or ref.lifecycle_id is None:
            return
        details: dict = {}
        if isinstance(event, SpeechError):
            details = {"code": "tts_failed", "message": event.problem or "synthesis failed", "text": event.text,
                       "fallback": "silent"}
        elif isinstance(event, SpeechDone):
            details = {"cancelled": event.cancelled}
        if self._shape is not None:
            details = self._shape(event_type, ref.lifecycle_id, details)
        elif ref.character is not None:  # a duo stage: whose line it was
            details["character"] = ref.character
        self._send(ref.connection, self._replies.lifecycle(event_type, ref.lifecycle_id, **details))

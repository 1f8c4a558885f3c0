"""Speech events as the HTTP API's event feed and status (the AITuberKit
page's reports, ``messageGateway.ts``), published from the frame loop.

Per message: ``speech_started``, then per sentence ``speech_chunk_started``
``{speechChunkId, text}`` and ``speech_chunk_ended``, then ``speech_ended``;
``status_updated`` whenever speaking starts or stops. Beyond AITuberKit, each
carries ``messageId``, the id ``POST /api/v1/speak`` returned (``requestId``
for a WebSocket bot's message that had one), and AITuberKit's
``speech_started``/``speech_ended`` come once per message, so a caller can tell
which of its requests is speaking.
"""
from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

from engine.link.http_api import API_CONNECTION
from engine.link.http_events import EventHub
from engine.speech.events import (
    MessageDone,
    MessageRef,
    SentenceFinished,
    SentenceStarted,
    SpeechDone,
    SpeechEvent,
    SpeechStarted,
)


class ApiEvents:
    def __init__(self, hub: EventHub, receiver: str, voice_engine: str, queued: Callable[[], int]) -> None:
        self._hub = hub
        self._receiver = receiver
        self._voice_engine = voice_engine
        self._queued = queued
        self._chunks = itertools.count(1)
        self._chunk: tuple[str, str, MessageRef] | None = None  # (id, text, message) of the sentence playing
        self._speaking = False
        self.publish_status()

    def report(self, event: SpeechEvent, busy: bool) -> None:
        """One speech event; ``busy``: speech is still playing or queued after it."""
        if isinstance(event, SpeechStarted):
            self._publish("speech_started", {"isSpeaking": True, "chatProcessing": False, **_ids(event.message)})
            self._set_speaking(True)
        elif isinstance(event, SentenceStarted):
            self._end_chunk()
            chunk = f"chunk_{next(self._chunks)}"
            self._chunk = (chunk, event.text, event.message)
            self._publish("speech_chunk_started", {"speechChunkId": chunk, "text": event.text,
                                                   "emotion": event.emotion, **_ids(event.message)})
            self._set_speaking(True)
        elif isinstance(event, SentenceFinished):
            self._end_chunk()
        elif isinstance(event, SpeechDone):
            if self._chunk is not None and self._chunk[2] == event.message:
                self._end_chunk(cancelled=True)  # a cancel cuts the sentence playing: it ends here
            self._publish("speech_ended", {"isSpeaking": busy, "chatProcessing": False,
                                           **({"cancelled": True} if event.cancelled else {}),
                                           **_ids(event.message)})
        if isinstance(event, (SpeechDone, MessageDone)) and not busy:
            self._set_speaking(False)
        self.publish_status()

    def cancelled(self, busy: bool) -> None:
        """After a stop: the sentence playing (if any) has ended."""
        self._end_chunk(cancelled=True)
        if not busy:
            self._set_speaking(False)
        self.publish_status()

    def publish_status(self) -> None:
        chunk = self._chunk
        self._hub.status = {
            "isSpeaking": self._speaking,
            "activeSpeech": {"id": chunk[0], "text": chunk[1]} if chunk else None,
            "voiceEngine": self._voice_engine,
            "lastSeenAt": int(time.time() * 1000),
            "queue": {"messageCount": self._queued(), "commandCount": 0, "lastAccessed": None},
        }

    def _end_chunk(self, cancelled: bool = False) -> None:
        if self._chunk is None:
            return
        chunk, _, message = self._chunk
        self._chunk = None
        self._publish("speech_chunk_ended", {"speechChunkId": chunk, **({"cancelled": True} if cancelled else {}),
                                             **_ids(message)})

    def _set_speaking(self, speaking: bool) -> None:
        if speaking != self._speaking:
            self._speaking = speaking
            self._publish("status_updated", {"connected": True, "isSpeaking": speaking, "chatProcessing": False})

    def _publish(self, kind: str, payload: dict[str, Any]) -> None:
        self._hub.publish(self._receiver, kind, payload)


def _ids(message: MessageRef) -> dict[str, str]:
    if message.lifecycle_id is None:
        return {}
    return {"messageId" if message.connection == API_CONNECTION else "requestId": message.lifecycle_id}

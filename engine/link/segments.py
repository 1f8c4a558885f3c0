"""Lifecycle payloads in AITuberKit's shape, for client mode.

AITuberKit (src/features/chat/externalLinkageReceiver.ts) reports each spoken
message of a request as one "speech segment": ``character.speech.start`` and
``.done`` carry ``speechSegmentId``, ``text`` and ``emotion``;
``character.message.received``/``.rendered`` carry the message's ``text``,
``role``, ``emotion``, ``messageType`` and ``hasImage``; and
``character.response.done`` carries ``speechSegmentCount``. Only v2 requests
with a ``requestId`` are reported. The link thread records what arrived; the
frame thread asks for the payload of each event, so a lock guards the books.
"""
from __future__ import annotations

import collections
import itertools
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from engine.link.messages import ChatMessage
from engine.link.replies import iso_timestamp

_STAMP = {"character.message.received": "receivedAt", "character.message.rendered": "renderedAt",
          "character.speech.start": "startedAt", "character.speech.done": "completedAt",
          "character.speech.error": "failedAt", "character.response.done": "completedAt"}
MAX_REQUESTS = 256  # requests remembered at once; the oldest is forgotten first


def message_details(message: ChatMessage) -> dict[str, Any]:
    """received/rendered: what AITuberKit tells about the message itself."""
    return {"text": message.text, "role": message.role, "emotion": message.emotion,
            "messageType": {"start": "start", "end": "end"}.get(message.block.value, ""),
            "hasImage": message.image is not None}


@dataclass
class _Request:
    rendered: collections.deque = field(default_factory=collections.deque)  # details of each message
    spoken: collections.deque = field(default_factory=collections.deque)    # (text, emotion) to be spoken
    current: dict[str, Any] | None = None
    count: int = 0


class Segments:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: collections.OrderedDict[str, _Request] = collections.OrderedDict()
        self._ids = itertools.count(1)

    def received(self, message: ChatMessage) -> None:
        """Link thread: a message of a v2 request was accepted."""
        if message.version != "2" or message.request_id is None:
            return
        with self._lock:
            request = self._requests.get(message.request_id)
            if request is None:
                request = self._requests[message.request_id] = _Request()
                while len(self._requests) > MAX_REQUESTS:
                    self._requests.popitem(last=False)
            request.rendered.append(message_details(message))
            if message.spoken and message.text.strip():
                request.spoken.append({"text": message.text, "emotion": message.emotion})

    def details(self, event_type: str, request_id: str, ours: dict[str, Any]) -> dict[str, Any]:
        """Frame thread: the payload for ``event_type`` (besides ``requestId``)."""
        with self._lock:
            request = self._requests.setdefault(request_id, _Request())
            if event_type == "character.message.rendered":
                shaped = request.rendered.popleft() if request.rendered else {}
            elif event_type == "character.speech.start":
                said = request.spoken.popleft() if request.spoken else {"text": "", "emotion": "neutral"}
                request.count += 1
                request.current = shaped = {"speechSegmentId": f"seg_{next(self._ids)}", **said}
            elif event_type in ("character.speech.done", "character.speech.error"):
                shaped = dict(request.current or {"speechSegmentId": f"seg_{next(self._ids)}", "text": "",
                                                  "emotion": "neutral"})
                if event_type == "character.speech.error":
                    shaped["message"] = ours.get("message", "speech failed")
                elif ours.get("cancelled"):
                    shaped["cancelled"] = True  # ours: AITuberKit never cancels speech
            elif event_type == "character.response.done":
                shaped = {"speechSegmentCount": request.count}
                del self._requests[request_id]
            else:
                shaped = {}
        return self.stamp(event_type, shaped)

    @staticmethod
    def stamp(event_type: str, details: dict[str, Any]) -> dict[str, Any]:
        """Add the event's own time field (receivedAt, startedAt, ...)."""
        field_name = _STAMP.get(event_type)
        if field_name:
            details[field_name] = iso_timestamp(datetime.now(UTC))
        return details

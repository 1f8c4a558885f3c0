"""What the streamer (not the viewers) is told: every message received, the
link's state in AITuberKit's four words, and how long a message waited for
its voice. Fed by the runtime from the inbox and the speech events; read by
the control window.
"""
from __future__ import annotations

import collections
import time
from dataclasses import dataclass

from engine.link.inbox import Command, LinkNotice, Received
from engine.link.protocol import Cancel

MESSAGES = 50

# AITuberKit's four link notices, and the words of ours that stand for each.
CONNECTING, CONNECTED, ERROR, CLOSED = ("Trying to connect", "Connected", "Connection error", "Connection closed")
_STATUS_WORDS = (("attempting", CONNECTING), ("listening", CONNECTED), ("successful", CONNECTED),
                 ("error", ERROR), ("ended", CLOSED), ("stale", ERROR))


@dataclass(frozen=True)
class LoggedMessage:
    at: float  # time.time(), for the clock shown
    connection: int
    line: str


def link_status(notice: str) -> str | None:
    """Which of the four notices a link notice stands for (None: it says something else)."""
    lowered = notice.lower()
    for word, status in _STATUS_WORDS:
        if word in lowered:
            return status
    return None


class StreamerLog:
    def __init__(self) -> None:
        self.messages: collections.deque[LoggedMessage] = collections.deque(maxlen=MESSAGES)
        self.status = CONNECTING
        self.status_detail = ""
        self.last_latency_s: float | None = None
        self.version = 0
        self._waiting_since: dict[int, collections.deque[float]] = {}

    def seen(self, item: Received | Command | LinkNotice, now: float) -> None:
        """An inbox item, as the frame loop takes it."""
        if isinstance(item, Received):
            message = item.message
            emotion = f" [{message.emotion}]" if message.emotion_given else ""
            block = "" if message.block.value == "append" else f" ({message.block.value})"
            self._add(item.connection, f"{message.role}{emotion}{block}: {message.text}")
            if message.spoken:
                self._waiting_since.setdefault(item.connection, collections.deque()).append(now)
        elif isinstance(item, Command):
            event = item.event
            if isinstance(event, Cancel):
                self._add(item.connection, f"control.cancel {event.request_id or '(all)'}")
            else:
                self._add(item.connection, f"chat.error: {event.message}")
        else:
            status = link_status(item.text)
            if status is not None:
                self.status, self.status_detail = status, item.text
                self.version += 1

    def speaking(self, connection: int, now: float) -> None:
        """A sentence of a message from ``connection`` started: the first one ends its wait."""
        waiting = self._waiting_since.get(connection)
        if waiting:
            self.last_latency_s = now - waiting.popleft()
            self.version += 1

    def _add(self, connection: int, line: str) -> None:
        self.messages.append(LoggedMessage(time.time(), connection, line))
        self.version += 1

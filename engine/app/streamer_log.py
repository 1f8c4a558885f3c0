"""What the streamer (not the viewers) is told: every message received, the
link's state in AITuberKit's four words, and how long a message waited for
its voice. Fed by the runtime from the inbox and the speech events; read by
the control window.
"""
from __future__ import annotations

import collections
import time
from dataclasses import dataclass

from engine.link.inbox import Command, LinkNotice, Received, Stop
from engine.link.messages import Cancel

MESSAGES = 50

# AITuberKit's four link notices (its own words, which client mode shows), and
# the words of our notices that stand for each; "Listening" in server mode.
CONNECTING, CONNECTED, ERROR, CLOSED = ("Attempting WebSocket connection", "WebSocket connection successful",
                                        "WebSocket connection error occurred", "WebSocket connection has ended")
LISTENING = "Listening"
_STATUS_WORDS = (("attempting", CONNECTING), ("listening", LISTENING), ("successful", CONNECTED),
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
        # Messages received and not yet done, oldest first: [connection, text, received at, started].
        self.pending: collections.deque[list] = collections.deque(maxlen=10_000)

    def seen(self, item: Received | Command | LinkNotice, now: float) -> None:
        """An inbox item, as the frame loop takes it."""
        if isinstance(item, Received):
            message = item.message
            emotion = f" [{message.emotion}]" if message.emotion_given else ""
            block = "" if message.block.value == "append" else f" ({message.block.value})"
            self._add(item.connection, f"{message.role}{emotion}{block}: {message.text}")
            self.pending.append([item.connection, message.text, now, not message.spoken])
        elif isinstance(item, Command):
            event = item.event
            if isinstance(event, Cancel):
                self._add(item.connection, f"control.cancel {event.request_id or '(all)'}")
            elif isinstance(event, Stop):
                self._add(item.connection, f"stop ({event.mode}){f': {event.reason}' if event.reason else ''}")
            else:
                self._add(item.connection, f"chat.error: {event.message}")
        else:
            status = link_status(item.text)
            if status is not None:
                self.status, self.status_detail = status, item.text
                self.version += 1

    def speaking(self, connection: int, now: float) -> None:
        """A sentence of a message from ``connection`` started: the first one ends its wait."""
        for entry in self.pending:
            if entry[0] == connection and not entry[3]:
                entry[3] = True
                self.last_latency_s = now - entry[2]
                self.version += 1
                return

    def done(self, connection: int) -> None:
        """A message from ``connection`` has been handled (spoken, shown or cancelled)."""
        for entry in self.pending:
            if entry[0] == connection:
                self.pending.remove(entry)
                self.version += 1
                return

    @property
    def waiting(self) -> list[str]:
        """The texts of the messages received and not yet started, oldest first."""
        return [entry[1] for entry in self.pending if not entry[3]]

    def _add(self, connection: int, line: str) -> None:
        self.messages.append(LoggedMessage(time.time(), connection, line))
        self.version += 1

"""What the socket thread hands to the frame loop through the inbox queue."""
from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import Any

from engine.link.messages import Cancel, ChatError, ChatMessage


@dataclass(frozen=True)
class Received:
    """An accepted message. ``connection`` is the id of the link it came on.
    ``sentences``: the speech side's cut of its text, made on the sender's
    thread when the app's inbox is given one (engine/app/build.py); None: cut
    when the frame loop takes it."""

    connection: int
    message: ChatMessage
    sentences: Any = None


@dataclass(frozen=True)
class Stop:
    """The HTTP API's stop (AITuberKit's modes): ``speech`` the message speaking
    now, ``queue`` everything waiting, ``all`` both."""

    mode: str
    reason: str | None = None


@dataclass(frozen=True)
class Command:
    """A control event from a bot: control.cancel, chat.error, or an HTTP stop."""

    connection: int
    event: Cancel | ChatError | Stop


@dataclass(frozen=True)
class LinkNotice:
    """Something to show as a toast: a client came or went, an error."""

    text: str
    level: str = "info"  # info, warning, error


InboxItem = Received | Command | LinkNotice
Inbox = queue.Queue  # of InboxItem; unbounded: admission is bounded by Backlog


class WakingQueue(queue.Queue):
    """A queue that also sets an event on every put, so the frame loop can
    sleep until the next frame yet wake at once when something arrives."""

    def __init__(self, wake: threading.Event) -> None:
        super().__init__()
        self._wake = wake

    def put(self, item, block: bool = True, timeout: float | None = None) -> None:
        super().put(item, block, timeout)
        if not self._wake.is_set():  # set() takes a lock; in a flood it is already set
            self._wake.set()


class Backlog:
    """Counts accepted messages not yet fully spoken, up to a limit.

    The socket thread takes a place before putting a message in the inbox and
    refuses the message with ``queue_full`` when there is none, so the refusal
    happens where the bot can be told. The speech driver gives the place back once
    the message has been spoken or shown.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._taken = 0

    def try_take(self) -> bool:
        with self._lock:
            if self._taken >= self.limit:
                return False
            self._taken += 1
            return True

    def take(self) -> None:
        """Count a message that is never refused (the server we chose to connect
        to, in client mode: it is slowed by not reading, not refused)."""
        with self._lock:
            self._taken += 1

    def give_back(self) -> None:
        with self._lock:
            self._taken = max(0, self._taken - 1)

    @property
    def taken(self) -> int:
        return self._taken

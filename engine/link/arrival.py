"""Lines sent one connection after another are spoken in the order they were sent.

A sender that opens one connection per line (AITuberKit's own sample does,
and so do many bots) sends line 2, closes, and only then opens the connection
for line 3. Here each connection has a thread of its own, so on a busy
machine line 3's thread can reach the inbox before line 2's, and she would
say them swapped, on stream.

So a connection that was admitted while older ones had just been active
waits, before each message, until those older connections have finished,
for at most ``wait_s`` in all. An idle bot that stays connected delays no one:
only connections active within ``recent_s`` of the new one's handshake count.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

ABANDONED_S = 30.0  # admitted but never handled (the handshake failed): forgotten after this


@dataclass
class _Connection:
    admitted: float
    last_active: float
    handled: bool = False
    done: threading.Event = field(default_factory=threading.Event)
    after: list[_Connection] = field(default_factory=list)  # older connections to let finish first


class ArrivalOrder:
    def __init__(self, wait_s: float = 0.25, recent_s: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._wait_s = wait_s
        self._recent_s = recent_s
        self._clock = clock
        self._lock = threading.Lock()
        self._live: dict[Hashable, _Connection] = {}

    def admitted(self, key: Hashable) -> None:
        """A handshake was accepted (called before the sender can send anything)."""
        now = self._clock()
        with self._lock:
            for old_key, old in list(self._live.items()):
                if not old.handled and now - old.admitted > ABANDONED_S:
                    del self._live[old_key]
                    old.done.set()
            after = [c for c in self._live.values() if now - c.last_active <= self._recent_s]
            self._live[key] = _Connection(now, now, after=after)

    def wait_turn(self, key: Hashable) -> None:
        """Before handling a message: let the older, recently active connections finish first."""
        with self._lock:
            connection = self._live.get(key)
            if connection is None:
                return
            connection.handled = True
            connection.last_active = self._clock()
            after, connection.after = connection.after, []
        deadline = self._clock() + self._wait_s
        for older in after:
            older.done.wait(max(0.0, deadline - self._clock()))

    def finished(self, key: Hashable) -> None:
        with self._lock:
            connection = self._live.pop(key, None)
        if connection is not None:
            connection.done.set()

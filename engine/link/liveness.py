"""When the client reconnects and pings, as AITuberKit does. Pure: every
method takes the time, so tests drive it with plain numbers.

AITuberKit (src/components/useExternalLinkage.tsx and its store) reconnects
after an error or close 1 s later, doubling each time to 30 s, and starts again
from 1 s once a connection opens. On a v2 link it sends ``ping`` every 15 s;
when a pong has been seen and none came for 45 s it marks the heartbeat
"stale" and only shows it. An ``ack`` is not a pong.
"""
from __future__ import annotations

BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 30.0


class Backoff:
    """The wait before the next connection attempt: doubling from 1 s to 30 s,
    or ``fixed_s`` every time when given."""

    def __init__(self, fixed_s: float | None = None, first_s: float = BACKOFF_FIRST_S,
                 max_s: float = BACKOFF_MAX_S) -> None:
        self.fixed_s = fixed_s
        self.first_s = first_s
        self.max_s = max_s
        self._next = first_s

    def next_delay(self) -> float:
        """The wait before this attempt; the one after it is doubled."""
        if self.fixed_s is not None:
            return self.fixed_s
        delay = self._next
        self._next = min(delay * 2, self.max_s)
        return delay

    def connected(self) -> None:
        """A connection opened: the next wait starts from the first again."""
        self._next = self.first_s


class Heartbeat:
    """v2 ping schedule and staleness for one connection."""

    def __init__(self, interval_s: float, stale_after_s: float) -> None:
        self.interval_s = interval_s
        self.stale_after_s = stale_after_s
        self._next_ping: float | None = None  # None until the server has said it speaks v2
        self._last_pong: float | None = None
        self.stale = False

    @property
    def running(self) -> bool:
        return self._next_ping is not None

    def start(self, now: float) -> None:
        """The server sent session.ready: the first ping is one interval away."""
        if self._next_ping is None:
            self._next_ping = now + self.interval_s

    def ping_due(self, now: float) -> bool:
        """True once per interval; the caller sends the ping."""
        if self._next_ping is None or now < self._next_ping:
            return False
        # A late tick sends one ping, not one for every interval it missed.
        self._next_ping += self.interval_s
        if self._next_ping <= now:
            self._next_ping = now + self.interval_s
        return True

    def pong(self, now: float) -> bool:
        """A pong came. True when this ends a stale period."""
        self._last_pong = now
        was_stale, self.stale = self.stale, False
        return was_stale

    def became_stale(self, now: float) -> bool:
        """True at the moment the link turns stale (once per stale period).
        As AITuberKit: only after a first pong, so a server that never answers
        pings (but streams fine) is not called stale."""
        if self.stale or self._last_pong is None or now - self._last_pong <= self.stale_after_s:
            return False
        self.stale = True
        return True

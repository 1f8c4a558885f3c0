"""The HTTP API's event feed: what the frame loop publishes, what
``GET /api/v1/events`` streams, and the status ``GET /api/v1/status`` shows.

Events have AITuberKit's shape (``{id, timestamp, clientId, type, payload}``;
``src/features/api/messageGateway.ts``). The last ``RECENT`` are kept for
replay on connect. Publishing never blocks, whichever thread calls it: each
stream has a bounded queue, and a stream that does not keep up is ended (its
client reconnects and gets the replay) rather than slowing the frame loop or
growing without bound.
"""
from __future__ import annotations

import collections
import itertools
import queue
import threading
import time
from typing import Any

RECENT = 100          # as AITuberKit's RECENT_EVENT_LIMIT
STREAM_BACKLOG = 1000  # events one stream may fall behind before it is ended

Event = dict[str, Any]


class Subscription:
    """One open event stream."""

    def __init__(self, client_id: str | None) -> None:
        self.client_id = client_id
        self.events: queue.Queue[Event | None] = queue.Queue(STREAM_BACKLOG)  # None: the stream ends
        self.overflowed = False

    def wants(self, event: Event) -> bool:
        return self.client_id is None or event["clientId"] == self.client_id

    def offer(self, event: Event | None) -> None:
        try:
            self.events.put_nowait(event)
        except queue.Full:
            self.overflowed = True


class EventHub:
    def __init__(self, max_streams: int) -> None:
        self.max_streams = max_streams
        self._lock = threading.Lock()
        self._recent: collections.deque[Event] = collections.deque(maxlen=RECENT)
        self._streams: list[Subscription] = []
        self._ids = itertools.count(1)
        # The status the frame loop last published: replaced whole, never
        # changed in place, so a reader on another thread sees one or the other.
        self.status: dict[str, Any] = {}

    def publish(self, client_id: str, event_type: str, payload: dict[str, Any] | None = None) -> Event:
        """From any thread; never blocks."""
        now = time.time()
        with self._lock:
            event = {"id": f"evt_{int(now * 1000)}_{next(self._ids)}", "timestamp": int(now * 1000),
                     "clientId": client_id, "type": event_type, "payload": payload or {}}
            self._recent.append(event)
            for stream in self._streams:
                if stream.wants(event):
                    stream.offer(event)
        return event

    def recent(self, client_id: str | None = None) -> list[Event]:
        with self._lock:
            return [e for e in self._recent if client_id is None or e["clientId"] == client_id]

    def subscribe(self, client_id: str | None) -> tuple[Subscription, list[Event]] | None:
        """A new stream and the recent events to replay first (none are missed
        in between: both are taken under one lock); None when too many are open."""
        with self._lock:
            if len(self._streams) >= self.max_streams:
                return None
            stream = Subscription(client_id)
            self._streams.append(stream)
            return stream, [e for e in self._recent if stream.wants(e)]

    def unsubscribe(self, stream: Subscription) -> None:
        with self._lock:
            if stream in self._streams:
                self._streams.remove(stream)

    @property
    def streams(self) -> int:
        return len(self._streams)

    def close(self) -> None:
        """End every stream (shutting down)."""
        with self._lock:
            for stream in self._streams:
                stream.offer(None)

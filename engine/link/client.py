"""Client-mode link: we connect to a server, exactly as AITuberKit does.

One thread owns the connection: it connects, reads frames with a short timeout,
sends what others queued, pings, and reconnects after an error or a close. What
we send and when is AITuberKit's (see docs/COMPATIBILITY.md): ``session.hello``
once after ``session.ready``, a v2 ``ping`` every 15 s, typed lines, a
``control.cancel`` when the streamer cancels, lifecycle events; no WebSocket-
level ping (a browser sends none), no ack, no error reply. The four notices
are AITuberKit's own texts, so streamers who know its screen recognise them.

Other threads never touch the connection: typed lines, cancels and lifecycle
frames go through one queue (``Outgoing``) that outlives a connection, so what
is queued while the link is down is sent once it is back.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection, connect

from engine.link.client_session import ClientSession
from engine.link.guard import ServerStream
from engine.link.inbox import Backlog, Inbox, LinkNotice
from engine.link.liveness import Backoff, Heartbeat
from engine.link.messages import Ack, Pong, Ready
from engine.link.outgoing import Out, Outgoing, ServerWriter
from engine.link.replies import Replies
from engine.link.segments import Segments
from engine.settings.config import LinkConfig

log = logging.getLogger("kuchipaku.link")

CONNECTING = "Attempting WebSocket connection"
CONNECTED = "WebSocket connection successful"
ERROR = "WebSocket connection error occurred"
CLOSED = "WebSocket connection has ended"
STALE = "WebSocket link is stale (no pong)"
HEALTHY = "WebSocket link is healthy again"

OPEN_TIMEOUT_S = 5.0
POLL_S = 0.05          # how long a read waits before outgoing frames get their turn
READY_GRACE_S = 0.5    # a new link waits this long for session.ready before sending typed lines


class LinkClient:
    def __init__(self, config: LinkConfig, inbox: Inbox, backlog: Backlog, replies: Replies | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self._inbox = inbox
        self._backlog = backlog
        self._replies = replies or Replies()
        if self._replies.session_id is None:  # one session id per run, on every v2 event (AITuberKit)
            self._replies.session_id = f"session_{uuid.uuid4().hex[:16]}"
        self._clock = clock
        self._outgoing = Outgoing(config.client_outbox_limit)
        self._backoff = Backoff(config.reconnect_s)
        self._stream = ServerStream(config.invalid_replies)
        self._writer = ServerWriter(config, self._replies, self._stream, inbox)
        self._segments = Segments()
        self._stopping = threading.Event()
        self._connected = threading.Event()
        self._thread = threading.Thread(target=self._run, name="link-client")
        self._connection: ClientConnection | None = None  # only for stop() to close it
        self._conn_ids = iter(range(1, 1 << 62))
        self._v2 = False          # the server said session.ready; kept across reconnects, as AITuberKit's store
        self._full_noticed = False
        self.reconnects = 0       # connections opened after the first
        self.stale = False        # shown to the streamer as AITuberKit shows its heartbeat status

    @property
    def url(self) -> str:
        return self.config.url

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def start(self) -> None:
        log.info("client mode: connecting to %s", self.url)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        connection = self._connection
        if connection is not None:
            try:
                connection.close(1001, "kuchipaku is shutting down")
            except (ConnectionClosed, OSError, RuntimeError):
                pass
        self._thread.join()

    # ---- any thread ------------------------------------------------------------------

    def send(self, conn_id: int, frame: str) -> None:
        """A frame the app made (a lifecycle event, tts_complete). Kept while the
        link is down and sent on the next connection."""
        kind = "lifecycle" if '"type":"character.' in frame else "tts_complete" if "tts_complete" in frame else "other"
        if not self._outgoing.put(Out(kind, frame=frame)):
            log.warning("link to %s is not draining; dropped a %s frame", self.url, kind)

    def send_user_chat(self, text: str) -> bool:
        """A line typed in the window, sent as AITuberKit sends it (chat.message
        to a v2 server, legacy chat otherwise). Queued; False only when the queue
        is full."""
        return self._outgoing.put(Out("typed", text=text))

    def cancel_remote(self, request_id: str | None = None, only_if_answering: bool = False) -> None:
        """The streamer cancelled: a v2 server gets control.cancel (for
        ``request_id``, else the request in progress, as AITuberKit's cancel
        button), and what is left of the cancelled answer is not spoken.
        ``only_if_answering``: not when no answer is coming (a typed line
        cancels only what is in progress)."""
        self._outgoing.put(Out("cancel", request_id=request_id, only_if_answering=only_if_answering))

    def lifecycle_details(self, event_type: str, request_id: str, ours: dict[str, Any]) -> dict[str, Any]:
        """The payload of a lifecycle event, in AITuberKit's shape."""
        return self._segments.details(event_type, request_id, ours)

    # ---- the link thread -------------------------------------------------------------

    def _notice(self, text: str, level: str = "info") -> None:
        log.info("%s (%s)", text, self.url)
        self._inbox.put(LinkNotice(text, level))

    def _run(self) -> None:
        opened = 0
        while not self._stopping.is_set():
            self._notice(CONNECTING)
            connected = clean = False
            try:
                headers = {"Authorization": f"Bearer {self.config.token}"} if self.config.token else None
                keepalive = self.config.keepalive_s
                with connect(self.url, open_timeout=OPEN_TIMEOUT_S, close_timeout=1.0, additional_headers=headers,
                             max_size=self.config.max_frame_bytes, compression=None, ping_interval=keepalive,
                             ping_timeout=keepalive,
                             logger=logging.getLogger("kuchipaku.link.websockets")) as connection:
                    connected = True
                    opened += 1
                    self.reconnects = opened - 1
                    self._backoff.connected()
                    self._notice(CONNECTED)
                    clean = self._session(connection)
            except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as err:
                log.info("connection to %s failed: %s", self.url, err)
            if not clean:
                self._notice(ERROR, "error")
            if connected:
                self._notice(CLOSED, "warning")
            delay = self._backoff.next_delay()
            log.info("next connection attempt in %g s", delay)
            if self._stopping.wait(delay):
                return

    def _session(self, connection: ClientConnection) -> bool:
        """Serve one connection until it closes; True when it closed cleanly."""
        conn_id = next(self._conn_ids)
        self._stream.reset()
        self._writer.new_connection()
        heartbeat = Heartbeat(self.config.ping_interval_s, self.config.stale_after_s)
        session = ClientSession(conn_id, lambda frame: self.send(conn_id, frame), self._inbox, self._backlog,
                                self._replies, self.config, self._stream, self._segments, lambda: self._v2,
                                self._writer.invalid_reply)
        hello_sent = False
        opened_at = self._clock()
        self._connection = connection
        self._connected.set()
        try:
            while not self._stopping.is_set():
                now = self._clock()
                if self._v2 or now - opened_at >= READY_GRACE_S:
                    self._writer.flush(connection, self._outgoing.take_all(), conn_id, self._v2)
                frame = self._receive(connection)
                now = self._clock()
                if isinstance(frame, str):
                    parsed = session.on_text(frame)
                    event = parsed.event if parsed is not None else None
                    if isinstance(event, Ready):
                        self._v2 = True
                        heartbeat.start(now)
                        if not hello_sent:  # once per connection, though a server may send ready again
                            hello_sent = True
                            self._writer.send_auto(connection, "hello", self._replies.session_hello())
                    elif isinstance(event, Pong) and heartbeat.pong(now):
                        self.stale = False
                        self._notice(HEALTHY)
                    elif isinstance(event, Ack):
                        log.debug("ack from the server for %s", event.for_id)
                elif isinstance(frame, bytes):
                    log.info("the server sent a binary frame; ignored")
                if self._v2 and heartbeat.running and heartbeat.ping_due(now):
                    self._writer.send_auto(connection, "ping", self._replies.ping())
                if heartbeat.became_stale(now):
                    self.stale = True
                    log.warning("no pong from %s for over %g s: the link is stale", self.url, self.config.stale_after_s)
                    self._inbox.put(LinkNotice(STALE, "warning"))
                    if self.config.stale_reconnect:
                        connection.close(1011, "no pong")
                        return False
            connection.close(1001, "kuchipaku is shutting down")
            return True
        except ConnectionClosed as closed:
            log.info("connection to %s closed: %s", self.url, closed)
            return closed.rcvd is not None and closed.rcvd.code in (1000, 1001)
        except OSError as err:
            log.info("connection to %s failed: %s", self.url, err)
            return False
        finally:
            self._connected.clear()
            self._connection = None

    def _receive(self, connection: ClientConnection) -> str | bytes | None:
        """One frame, or None after a short wait. At the queue cap nothing is
        read: the server is slowed by TCP, and nothing it sent is refused."""
        if self._backlog.taken >= self.config.client_queue_cap:
            if not self._full_noticed:
                self._full_noticed = True
                log.warning("%d messages from the server wait to be spoken (link.client_queue_cap): "
                            "reading paused until some are spoken", self._backlog.taken)
                self._inbox.put(LinkNotice("The server sends faster than she speaks: reading paused", "warning"))
            self._stopping.wait(POLL_S)
            return None
        self._full_noticed = False
        try:
            return connection.recv(timeout=POLL_S)
        except TimeoutError:
            return None

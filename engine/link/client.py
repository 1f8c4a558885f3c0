"""Client-mode link: we connect to a server, exactly as AITuberKit does.

One thread owns the connection: it connects, reads frames with a short timeout,
writes what the frame loop queued, pings, and reconnects after an error or a
close. The four notices are AITuberKit's own texts, so streamers who know its
screen recognise them.
"""
from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from typing import Callable

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection, connect

from engine.settings.config import LinkConfig
from engine.link.inbox import Backlog, Inbox, LinkNotice
from engine.link.session import LinkSession
from engine.link.protocol import Ack, Pong, Ready
from engine.link.replies import Replies

log = logging.getLogger("kuchipaku.link")

CONNECTING = "Attempting WebSocket connection"
CONNECTED = "WebSocket connection successful"
ERROR = "WebSocket connection error occurred"
CLOSED = "WebSocket connection has ended"

OPEN_TIMEOUT_S = 5.0
POLL_S = 0.05          # how long a read waits before outgoing frames get their turn
BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 30.0


class LinkClient:
    def __init__(self, config: LinkConfig, inbox: Inbox, backlog: Backlog, replies: Replies | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self._inbox = inbox
        self._backlog = backlog
        self._replies = replies or Replies()
        self._clock = clock
        self._ids = itertools.count(1)
        self._outbox: queue.Queue[tuple[int, str]] = queue.Queue(config.outbox_limit)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="link-client")
        self._connection: ClientConnection | None = None
        self._conn_id = 0
        self._v2 = False  # the server spoke v2 (sent session.ready) on this connection

    @property
    def url(self) -> str:
        return self.config.url

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

    def send(self, conn_id: int, frame: str) -> None:
        """Queue a frame for the connection ``conn_id``; frames for an older
        connection are dropped, since that server has gone."""
        try:
            self._outbox.put_nowait((conn_id, frame))
        except queue.Full:
            log.warning("link to %s is not draining; dropped a frame", self.url)

    def send_user_chat(self, text: str) -> bool:
        """A viewer's line typed in the window, as AITuberKit sends it. False
        when there is no connection to send it on."""
        if self._connection is None:
            return False
        frame = self._replies.user_chat(text) if self._v2 else self._replies.legacy_user_chat(text)
        self.send(self._conn_id, frame)
        return True

    # ---- the link thread -------------------------------------------------------------

    def _notice(self, text: str, level: str = "info") -> None:
        log.info("%s (%s)", text, self.url)
        self._inbox.put(LinkNotice(text, level))

    def _run(self) -> None:
        delay = BACKOFF_FIRST_S if self.config.reconnect_backoff else self.config.reconnect_s
        while not self._stopping.is_set():
            self._notice(CONNECTING)
            connected = clean = False
            try:
                headers = {"Authorization": f"Bearer {self.config.token}"} if self.config.token else None
                with connect(self.url, open_timeout=OPEN_TIMEOUT_S, close_timeout=1.0, additional_headers=headers,
                             max_size=self.config.max_frame_bytes, compression=None,
                             logger=logging.getLogger("kuchipaku.link.websockets")) as connection:
                    connected = True
                    delay = BACKOFF_FIRST_S if self.config.reconnect_backoff else self.config.reconnect_s
                    self._notice(CONNECTED)
                    clean = self._session(connection)
            except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as err:
                log.info("connection to %s failed: %s", self.url, err)
            if not clean:
                self._notice(ERROR, "error")
            if connected:
                self._notice(CLOSED, "warning")
            if self._stopping.wait(delay):
                return
            if self.config.reconnect_backoff:
                delay = min(delay * 2, BACKOFF_MAX_S)

    def _session(self, connection: ClientConnection) -> bool:
        """Serve one connection until it closes; True when it closed cleanly."""
        self._conn_id = conn_id = next(self._ids)
        self._v2 = False
        self._connection = connection
        session = LinkSession(conn_id, lambda frame: self.send(conn_id, frame), self._inbox, self._backlog,
                              self._replies, self.config, client_mode=True)
        last_pong = self._clock()
        next_ping: float | None = None
        try:
            while not self._stopping.is_set():
                self._flush(connection, conn_id)
                try:
                    frame = connection.recv(timeout=POLL_S)
                except TimeoutError:
                    frame = None
                now = self._clock()
                if isinstance(frame, str):
                    parsed = session.on_text(frame)
                    if parsed is not None and isinstance(parsed.event, Ready) and not self._v2:
                        self._v2 = True
                        connection.send(self._replies.session_hello(self.config.max_text_length))
                        next_ping = now + self.config.ping_interval_s
                        last_pong = now
                    elif parsed is not None and isinstance(parsed.event, (Pong, Ack)):
                        last_pong = now
                elif isinstance(frame, bytes):
                    connection.close(1003, "binary frames are not supported; send JSON text")
                if next_ping is not None and now >= next_ping:
                    connection.send(self._replies.ping())
                    next_ping = now + self.config.ping_interval_s
                if self._v2 and now - last_pong > self.config.stale_after_s:
                    log.warning("no pong from %s for %.0f s: the link is stale, reconnecting", self.url,
                                now - last_pong)
                    self._inbox.put(LinkNotice("WebSocket link is stale (no pong); reconnecting", "warning"))
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
            self._connection = None

    def _flush(self, connection: ClientConnection, conn_id: int) -> None:
        while True:
            try:
                target, frame = self._outbox.get_nowait()
            except queue.Empty:
                return
            if target == conn_id:
                connection.send(frame)

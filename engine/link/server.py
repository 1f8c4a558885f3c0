"""Server-mode link: bots connect to us over WebSocket.

A ``websockets.sync.server`` runs on its own thread, one handler thread per
connection. Each text frame goes through the pure protocol module; accepted
messages go to the inbox queue, refused ones get their coded error reply on the
same connection. Nothing here touches pygame or waits on the frame loop.

Everything sent to a bot goes through that connection's own bounded outbox,
drained by one sender thread, so replies keep their order whichever thread
made them, and a bot that stops reading is dropped instead of stalling anyone.
"""
from __future__ import annotations

import collections
import dataclasses
import http
import itertools
import logging
import socket
import struct
import threading
from collections.abc import Callable
from typing import Protocol
from urllib.parse import urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from engine.link.addressing import Addressing
from engine.link.arrival import ArrivalOrder
from engine.link.inbox import Backlog, Inbox, LinkNotice
from engine.link.replies import Replies
from engine.link.security import origin_allowed, token_in_request, token_matches
from engine.link.session import LinkSession
from engine.settings.config import LinkConfig

log = logging.getLogger("kuchipaku.link")

CLOSE_TIMEOUT_S = 1.0  # a peer that ignores our close frame is cut off after this
# Frames the frame loop may send about one message: rendered, speech.start,
# speech.error, speech.done, response.done, tts_complete, and spare.
EVENTS_PER_MESSAGE = 8


@dataclasses.dataclass(frozen=True)
class PeerRecord:
    """A bot that connected, for the streamer's control window."""

    conn_id: int
    address: str
    origin: str | None  # the Origin header (a web page), None for a program
    connected: bool  # False once it has left


RECENT_PEERS = 20  # connections remembered after they close (one-shot senders come and go)


def _peer_name(connection: ServerConnection) -> str:
    try:
        host, port = connection.remote_address[:2]
        return f"{host}:{port}"
    except (TypeError, ValueError, OSError):
        return "?"


class _Peer:
    """One connection's outbox and the thread that writes it to the socket.

    Replies made by the connection's own reader thread (acks, errors, pongs)
    wait for room, which slows a bot that floods us without reading to the
    pace at which it reads. Frames from the frame loop (lifecycle events) never
    wait: they have ``app_room`` more, enough for the events of every message
    the backlog can hold (a cancel answers them all at once). A bot that leaves
    its reader waiting for ``stall_s``, or fills even that, is not reading and
    is dropped. So is one whose socket takes no data for ``stall_s``
    (SO_SNDTIMEO): a send blocked on a full socket holds the connection's lock,
    which stops its reader too, so the outbox alone would never notice.
    """

    def __init__(self, conn_id: int, connection: ServerConnection, limit: int, app_room: int,
                 stall_s: float) -> None:
        self.conn_id = conn_id
        self.connection = connection
        self.limit = limit
        self.hard_limit = limit + app_room
        self.stall_s = stall_s
        self.dropped = False
        self._frames: collections.deque[str] = collections.deque()
        self._changed = threading.Condition()
        seconds = int(stall_s)
        try:  # a struct timeval: seconds and microseconds
            connection.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO,
                                         struct.pack("ll", seconds, int((stall_s - seconds) * 1e6)))
        except (OSError, struct.error):  # not on every platform; the outbox limits still hold
            pass
        self._thread = threading.Thread(target=self._drain, name=f"link-send-{conn_id}", daemon=True)
        self._thread.start()

    def send(self, frame: str) -> None:
        """From any thread; never blocks."""
        with self._changed:
            if self.dropped:
                return
            if len(self._frames) >= self.hard_limit:
                self._drop()
                return
            self._frames.append(frame)
            self._changed.notify_all()

    def send_reply(self, frame: str) -> None:
        """From the connection's own reader thread: waits for room."""
        with self._changed:
            if not self._changed.wait_for(lambda: self.dropped or len(self._frames) < self.limit, self.stall_s):
                self._drop()
            if self.dropped:
                return
            self._frames.append(frame)
            self._changed.notify_all()

    def _drop(self) -> None:
        # Called with the lock held.
        self.dropped = True
        log.warning("client #%d is not reading its replies (%d waiting): dropping it", self.conn_id,
                    len(self._frames))
        self._frames.clear()
        self._changed.notify_all()
        try:  # no close handshake: the peer is not reading anyway
            self.connection.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _drain(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._frames or self.dropped)
                if not self._frames:
                    return
                # All that is waiting, in one go: a lock round-trip per batch, not per frame.
                batch = list(self._frames)
                self._frames.clear()
                self._changed.notify_all()  # room for a waiting reader
            try:
                for frame in batch:
                    self.connection.send(frame)
            except (ConnectionClosed, OSError, RuntimeError) as err:
                cause = err if isinstance(err, OSError) else (err.__cause__ or err.__context__)
                if isinstance(cause, OSError):  # the send timed out: the bot is not reading
                    with self._changed:
                        if not self.dropped:
                            self._drop()
                return

    def stop(self) -> None:
        with self._changed:
            self.dropped = True
            self._frames.clear()
            self._changed.notify_all()
        self._thread.join(CLOSE_TIMEOUT_S)


class Session(Protocol):
    """What a connection does with its frames: LinkSession, or an echo for the
    conformance run."""

    def opened(self) -> None: ...

    def on_text(self, frame: str) -> object: ...


SessionFactory = Callable[[int, Callable[[str], None]], Session]


class LinkServer:
    def __init__(self, config: LinkConfig, inbox: Inbox, backlog: Backlog, replies: Replies | None = None,
                 make_session: SessionFactory | None = None, addressing: Addressing | None = None) -> None:
        self.config = config
        self.addressing = addressing or Addressing()
        self._inbox = inbox
        self._backlog = backlog
        self._replies = replies or Replies()
        self._make_session = make_session or self._link_session
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._peers: dict[int, _Peer] = {}
        self._records: collections.OrderedDict[int, PeerRecord] = collections.OrderedDict()
        self._addresses: dict[int, str] = {}  # id(connection) -> "host:port", from its handshake
        self._arrival = ArrivalOrder()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.config.listen_url

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.socket.getsockname()[1]

    def start(self) -> None:
        """Bind now (so a port in use fails here, in the caller), serve on a thread."""
        self._server = serve(
            self._handle,
            self.config.host,
            self.config.port,
            process_request=self._admit,
            max_size=self.config.max_frame_bytes,
            open_timeout=self.config.handshake_timeout_s,
            close_timeout=CLOSE_TIMEOUT_S,
            compression=None,  # frames are tiny; deflate would only cost CPU and memory
            logger=logging.getLogger("kuchipaku.link.websockets"),
        )
        if self.config.port == 0:  # an ephemeral port (tests): report the real one
            self.config = dataclasses.replace(self.config, port=self.port)
        self._thread = threading.Thread(target=self._server.serve_forever, name="link-server")
        self._thread.start()
        log.info("listening on %s", self.url)
        self._inbox.put(LinkNotice(f"Listening on {self.url}"))

    def stop(self) -> None:
        """Close every connection with 1001 (going away) and join all threads."""
        if self._server is None:
            return
        self._server.shutdown()  # closes open connections with 1001, waits for handlers
        if self._thread is not None:
            self._thread.join()
        self._server = None

    def peers(self) -> list[PeerRecord]:
        """The bots connected now and the last few that left, oldest first. Any thread."""
        with self._lock:
            return list(self._records.values())

    def _record(self, record: PeerRecord) -> None:
        # Called with the lock held.
        self._records[record.conn_id] = record
        self._records.move_to_end(record.conn_id)
        while len(self._records) > RECENT_PEERS:
            oldest = next((k for k, r in self._records.items() if not r.connected), None)
            if oldest is None:
                break
            del self._records[oldest]

    def send(self, conn_id: int, frame: str) -> None:
        """Queue a frame for a connection; never blocks. Unknown ids (the bot has
        gone) are ignored."""
        with self._lock:
            peer = self._peers.get(conn_id)
        if peer is not None:
            peer.send(frame)

    # ---- websockets callbacks (link threads) ------------------------------------

    def _link_session(self, conn_id: int, send: Callable[[str], None]) -> LinkSession:
        return LinkSession(conn_id, send, self._inbox, self._backlog, self._replies, self.config, self.addressing)

    def _admit(self, connection: ServerConnection, request: Request) -> Response | None:
        """Every handshake passes here: path, room, token, origin, in that order."""
        path = urlsplit(request.path).path
        who = _peer_name(connection)
        if self.addressing.room(path, self.config.path) is False:
            log.info("refused %s: path %s is not %s", who, ascii(path[:80]), self.config.path)
            return connection.respond(http.HTTPStatus.NOT_FOUND, f"Not found; the link is at {self.config.path}\n")
        with self._lock:
            full = len(self._peers) >= self.config.max_connections
        if full:
            log.warning("refused %s: already %d connections (link.max_connections)", who, self.config.max_connections)
            return connection.respond(http.HTTPStatus.SERVICE_UNAVAILABLE, "Too many connections\n")
        if self.config.token is not None:
            given = token_in_request(request.path, request.headers.get("Authorization"))
            if not token_matches(given, self.config.token):
                log.warning("refused %s: %s token", who, "wrong" if given else "no")
                self._inbox.put(LinkNotice("Refused a connection: no valid token", "warning"))
                return connection.respond(http.HTTPStatus.UNAUTHORIZED, "A valid token is required\n")
        origin = request.headers.get("Origin")
        if not origin_allowed(origin, self.config.allowed_origins):
            log.warning("refused %s: origin %s is not allowed (link.allowed_origins)", who, ascii(origin[:200]))
            # The origin is not shown: a client can put any words there, and toasts are on stream.
            self._inbox.put(LinkNotice("Refused a web page (origin not allowed)", "warning"))
            return connection.respond(http.HTTPStatus.FORBIDDEN, "This origin may not connect\n")
        with self._lock:  # read now: a one-shot sender may be gone by the time its handler runs
            if len(self._addresses) > 4 * RECENT_PEERS + self.config.max_connections:
                self._addresses.clear()  # handshakes admitted that never reached a handler
            self._addresses[id(connection)] = who
        self._arrival.admitted(connection)
        return None

    def _handle(self, connection: ServerConnection) -> None:
        conn_id = next(self._ids)
        with self._lock:
            # Checked again here, under the lock: handshakes may have raced past _admit.
            if len(self._peers) >= self.config.max_connections:
                connection.close(1013, "too many connections; try again later")
                self._arrival.finished(connection)
                return
            peer = self._peers[conn_id] = _Peer(conn_id, connection, self.config.outbox_limit,
                                                EVENTS_PER_MESSAGE * self.config.queue_limit,
                                                self.config.slow_client_s)
            count = len(self._peers)
            request = connection.request
            origin = request.headers.get("Origin") if request is not None else None
            address = self._addresses.pop(id(connection), None) or _peer_name(connection)
            self._record(PeerRecord(conn_id, address, origin, True))
        log.info("client #%d connected from %s (%d connected)", conn_id, address, count)
        self._inbox.put(LinkNotice(f"Client connected ({count} connected)"))
        session = self._make_session(conn_id, peer.send_reply)
        room = self.addressing.room(urlsplit(connection.request.path).path, self.config.path) \
            if connection.request is not None else None
        if isinstance(session, LinkSession) and isinstance(room, str):
            session.room = room  # /ws/<name>: this connection speaks as her
            log.info("client #%d speaks as %s", conn_id, room)
        session.opened()
        try:
            for frame in connection:
                self._arrival.wait_turn(connection)
                if isinstance(frame, bytes):
                    log.info("client #%d sent a binary frame: closing with 1003", conn_id)
                    connection.close(1003, "binary frames are not supported; send JSON text")
                    break
                session.on_text(frame)
        except ConnectionClosed:
            pass
        finally:
            self._arrival.finished(connection)
            with self._lock:
                del self._peers[conn_id]
                count = len(self._peers)
                left = self._records.get(conn_id)
                if left is not None:
                    self._records[conn_id] = dataclasses.replace(left, connected=False)
            peer.stop()
            log.info("client #%d left (code %s, %d connected)", conn_id, connection.close_code, count)
            self._inbox.put(LinkNotice(f"Client left ({count} connected)"))

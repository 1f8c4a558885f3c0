"""Server-mode link: bots connect to us over WebSocket.

A ``websockets.sync.server`` runs on its own thread, one handler thread per
connection. Each text frame goes through the pure protocol module; accepted
messages go to the inbox queue, refused ones get their coded error reply on the
same connection. Nothing here touches pygame or waits on the frame loop.
"""
from __future__ import annotations

import dataclasses
import http
import itertools
import logging
import threading
from urllib.parse import urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from engine.config import LinkConfig
from engine.inbox import Backlog, Inbox, LinkNotice, Received
from engine.protocol import ErrorCode, ProtocolError, error_reply, parse_frame, warning_reply

log = logging.getLogger("kuchipaku.link")

CLOSE_TIMEOUT_S = 1.0  # a peer that ignores our close frame is cut off after this


def _peer(connection: ServerConnection) -> str:
    try:
        host, port = connection.remote_address[:2]
        return f"{host}:{port}"
    except (TypeError, ValueError, OSError):
        return "?"


class LinkServer:
    def __init__(self, config: LinkConfig, inbox: Inbox, backlog: Backlog) -> None:
        self.config = config
        self._inbox = inbox
        self._backlog = backlog
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._open: set[int] = set()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.config.url

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
            process_request=self._check_path,
            max_size=self.config.max_frame_bytes,
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

    # ---- websockets callbacks (link threads) ------------------------------------

    def _check_path(self, connection: ServerConnection, request: Request) -> Response | None:
        path = urlsplit(request.path).path
        if path != self.config.path:
            log.info("refused %s: path %r is not %s", _peer(connection), path[:80], self.config.path)
            return connection.respond(http.HTTPStatus.NOT_FOUND, f"Not found; the link is at {self.config.path}\n")
        return None

    def _handle(self, connection: ServerConnection) -> None:
        conn_id = next(self._ids)
        peer = _peer(connection)
        with self._lock:
            self._open.add(conn_id)
            count = len(self._open)
        log.info("client #%d connected from %s (%d connected)", conn_id, peer, count)
        self._inbox.put(LinkNotice(f"Client connected ({count} connected)"))
        try:
            for frame in connection:
                if isinstance(frame, bytes):
                    log.info("client #%d sent a binary frame: closing with 1003", conn_id)
                    connection.close(1003, "binary frames are not supported; send JSON text")
                    break
                self._on_text(connection, conn_id, frame)
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                self._open.discard(conn_id)
                count = len(self._open)
            reason = connection.close_code
            log.info("client #%d left (code %s, %d connected)", conn_id, reason, count)
            self._inbox.put(LinkNotice(f"Client left ({count} connected)"))

    def _on_text(self, connection: ServerConnection, conn_id: int, frame: str) -> None:
        try:
            parsed = parse_frame(frame, self.config.max_text_length)
        except ProtocolError as err:
            self._refuse(connection, conn_id, err)
            return
        if not self._backlog.try_take():
            self._refuse(connection, conn_id, ProtocolError(
                ErrorCode.QUEUE_FULL, f"{self._backlog.limit} messages are already waiting; try again later"))
            return
        message = parsed.message
        log.info("client #%d: %s message, role %s, emotion %s, %d characters%s", conn_id,
                 message.block.value, message.role[:40].encode("unicode_escape").decode(), message.emotion,
                 len(message.text), f", id {message.message_id!r}" if message.message_id else "")
        self._inbox.put(Received(conn_id, message))
        for warning in parsed.warnings:
            connection.send(warning_reply(warning))

    def _refuse(self, connection: ServerConnection, conn_id: int, err: ProtocolError) -> None:
        # repr() keeps whatever the bot sent from forging log lines.
        log.warning("client #%d: refused frame: %s %r", conn_id, err.code, err.message)
        self._inbox.put(LinkNotice(f"Refused a message: {err.code}", "warning"))
        connection.send(error_reply(err.code, err.message))

"""The HTTP API's socket shell: Python's ``http.server.ThreadingHTTPServer``
on its own thread and port, one thread per connection, in front of the pure
core in engine/link/http_api.py.

Why the standard library's server: it is maintained with Python itself, adds
no dependency, and does the HTTP/1.1 parsing (request line, headers,
keep-alive) for us; everything we decide about a request is in the pure core.
What a plain ThreadingHTTPServer lacks for a program on stream we add here,
each in a few lines: a cap on open connections (more get 503 at once), a
per-address token bucket (429), a socket timeout (a client that sends half a
request is cut off), a body cap read from Content-Length before any body is
read (413), and bounded event streams. Nothing here waits on the frame loop:
accepted messages go into the same inbox as the WebSocket link's, each holding
a place in the shared ``Backlog``.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import queue
import secrets
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from engine.link.http_api import ApiContext, ApiRequest, EventStream, Outcome, dumps, error, handle
from engine.link.http_events import EventHub
from engine.link.inbox import Backlog, Inbox, LinkNotice, Received
from engine.link.security import RateLimiter
from engine.settings.config import HttpApiConfig

log = logging.getLogger("kuchipaku.api")

SOCKET_TIMEOUT_S = 10.0  # a request that stalls this long mid-way is dropped
BUSY_WAIT_S = 0.5  # how long a new connection may wait for a slot before it gets 503
MAX_PEERS_TRACKED = 1024  # rate-limit buckets kept; beyond, they start afresh


class ApiBindError(OSError):
    """The API's port cannot be had (in use, not allowed): one clear line for the streamer."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream never holds up shutdown
    allow_reuse_address = True
    request_queue_size = 128  # a burst of clients waits in the kernel, not refused there
    api: HttpApiServer

    def process_request(self, request, client_address) -> None:
        # A short wait for a free slot (this is the accept thread, not the
        # frame loop): a client that just finished may still hold one.
        if not self.api.slots.acquire(timeout=BUSY_WAIT_S):
            self.api.refuse_busy(request)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def handle_error(self, request, client_address) -> None:
        # A bug in one request: logged once, that connection closed, the server goes on.
        log.exception("api: error while serving %s", client_address[0] if client_address else "?")

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.api.slots.release()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kuchipaku"
    sys_version = ""
    timeout = SOCKET_TIMEOUT_S
    server: _Server

    def do_GET(self) -> None:
        self.server.api.serve(self)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = do_GET

    def handle_expect_100(self) -> bool:
        # curl asks before sending a big body: say "go on" only to one we will read.
        try:
            too_big = int(self.headers.get("Content-Length", "0")) > self.server.api.config.max_body_bytes
        except ValueError:
            too_big = True
        return True if too_big else super().handle_expect_100()

    def version_string(self) -> str:
        return "kuchipaku"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        pass  # each request is logged once, by HttpApiServer, with its outcome


class HttpApiServer:
    def __init__(self, config: HttpApiConfig, inbox: Inbox, backlog: Backlog, hub: EventHub,
                 receivers: tuple[str, ...], max_text_length: int, client_mode: bool = False,
                 send_user_line: Callable[[str], bool] | None = None, max_image_bytes: int = 2 * 1024 * 1024) -> None:
        self.config = config
        self.hub = hub
        self.slots = threading.BoundedSemaphore(config.max_connections)
        self._inbox = inbox
        self._backlog = backlog
        self._receivers = receivers
        self._max_text_length = max_text_length
        self._client_mode = client_mode
        self._send_user_line = send_user_line
        self._max_image_bytes = max_image_bytes
        self._limits: dict[str, RateLimiter] = {}
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.config.listen_url

    def start(self) -> None:
        """Bind now (so a port in use fails here, in the caller), serve on a thread."""
        try:
            self._server = _Server((self.config.host, self.config.port), _Handler)
        except OSError as err:
            raise ApiBindError(f"cannot listen on {self.config.host}:{self.config.port} for the HTTP API: "
                               f"{err.strerror or err} (set http_api.port, or http_api.enabled: false)") from None
        self._server.api = self
        if self.config.port == 0:  # an ephemeral port (tests): report the real one
            self.config = dataclasses.replace(self.config, port=self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name="api-server", daemon=True)
        self._thread.start()
        log.info("api listening on %s", self.url)
        self._inbox.put(LinkNotice(f"API on {self.url}"))

    def stop(self) -> None:
        if self._server is None:
            return
        self.hub.close()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = None

    # ---- per request (handler threads) --------------------------------------------------

    def serve(self, handler: _Handler) -> None:
        peer = handler.client_address[0]
        if not self._allow(peer):
            return self._reply(handler, error(429, f"More than {self.config.rate_per_s:g} requests a second; "
                                                   "slow down", "rate_limited"))
        headers = {name.lower(): value for name, value in handler.headers.items()}
        body = b""
        if handler.command in ("POST", "PUT", "PATCH"):
            if "transfer-encoding" in headers:
                handler.close_connection = True
                return self._reply(handler, error(411, "Send the body with a Content-Length", "length_required"))
            try:
                length = int(headers.get("content-length", "0"))
            except ValueError:
                length = -1
            if length < 0:
                handler.close_connection = True
                return self._reply(handler, error(400, "Bad Content-Length", "bad_request"))
            if length > self.config.max_body_bytes:
                handler.close_connection = True  # the body is never read
                return self._reply(handler, error(413, f"The body is {length} bytes; the limit is "
                                                       f"{self.config.max_body_bytes} (http_api.max_body_bytes)",
                                                  "too_large"))
            body = handler.rfile.read(length)
        elif headers.get("content-length", "0") != "0" or "transfer-encoding" in headers:
            handler.close_connection = True  # a body we do not read: the connection cannot be reused
        ctx = ApiContext(self.config, self.config.key, self._max_text_length, self._receivers, self._client_mode,
                         self.hub.status, self._max_image_bytes)
        outcome = handle(ApiRequest(handler.command, handler.path, headers, body), ctx, _new_id)
        if outcome.stream is not None:
            return self._events(handler, outcome.stream)
        outcome = self._deliver(outcome)
        self._log(handler, outcome)
        self._reply(handler, outcome)

    def _deliver(self, outcome: Outcome) -> Outcome:
        """Put what the request asked for in the inbox: all of it, or (no room) none."""
        messages = sum(isinstance(item, Received) for item in outcome.inbox)
        taken = 0
        while taken < messages and self._backlog.try_take():
            taken += 1
        if taken < messages:
            for _ in range(taken):
                self._backlog.give_back()
            return error(429, f"{self._backlog.limit} messages are already waiting; try again later",
                         "queue_full")
        for line in outcome.user_lines:
            if self._send_user_line is None or not self._send_user_line(line):
                return error(503, "Not connected to the server; the line was not sent", "not_connected")
        # Events first: the frame loop may start speaking as soon as the
        # message is in the inbox, and "queued" must come before "started".
        for client, kind, payload in outcome.events:
            self.hub.publish(client, kind, payload)
        for item in outcome.inbox:
            self._inbox.put(item)
        return outcome

    def _allow(self, peer: str) -> bool:
        with self._lock:
            limiter = self._limits.get(peer)
            if limiter is None:
                if len(self._limits) >= MAX_PEERS_TRACKED:
                    self._limits.clear()
                limiter = self._limits[peer] = RateLimiter(self.config.rate_per_s, self.config.rate_burst)
            return limiter.allow()

    def _log(self, handler: _Handler, outcome: Outcome) -> None:
        body = outcome.body or {}
        if outcome.status >= 400:  # ascii(): what a client sent cannot forge log lines
            log.warning("api: %s %s from %s refused: %d %s %s", handler.command, ascii(handler.path[:80]),
                        handler.client_address[0], outcome.status, body.get("code"), ascii(body.get("error", "")))
        elif handler.command == "POST":
            log.info("api: %s %s from %s: %d%s", handler.command, ascii(handler.path[:80]),
                     handler.client_address[0], outcome.status,
                     f", queued {' '.join(body['queued'])}" if body.get("queued") else
                     f", stop {body.get('mode')} ({body.get('commandId')})" if "commandId" in body else "")

    @staticmethod
    def _reply(handler: _Handler, outcome: Outcome) -> None:
        data = dumps(outcome.body or {})
        try:
            handler.send_response(outcome.status)
            handler.send_header("Content-Type", "application/json; charset=utf-8")
            handler.send_header("Content-Length", str(len(data)))
            handler.send_header("Cache-Control", "no-store")
            for name, value in outcome.headers.items():
                handler.send_header(name, value)
            if handler.close_connection:
                handler.send_header("Connection", "close")
            handler.end_headers()
            if handler.command != "HEAD":
                handler.wfile.write(data)
        except OSError:
            handler.close_connection = True  # the client has gone

    def _events(self, handler: _Handler, stream: EventStream) -> None:
        if stream.snapshot:
            return self._reply(handler, Outcome(200, {"ok": True, "events": self.hub.recent(stream.client_id)}))
        subscribed = self.hub.subscribe(stream.client_id)
        if subscribed is None:
            return self._reply(handler, error(503, f"{self.hub.max_streams} event streams are already open "
                                                   "(http_api.max_event_streams)", "too_many_streams"))
        subscription, replay = subscribed
        handler.close_connection = True
        log.info("api: event stream opened by %s (%d open)", handler.client_address[0], self.hub.streams)
        try:
            handler.send_response(200)
            for name, value in (("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache, no-transform"),
                                ("Connection", "close"), ("X-Accel-Buffering", "no")):
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(b": connected\n\n" + b"".join(_sse(event) for event in replay))
            handler.wfile.flush()
            while not subscription.overflowed:
                try:
                    event = subscription.events.get(timeout=self.config.heartbeat_s)
                except queue.Empty:  # nothing for a while
                    handler.wfile.write(b": heartbeat\n\n")
                    handler.wfile.flush()
                    continue
                if event is None:
                    break
                handler.wfile.write(_sse(event))
                handler.wfile.flush()
        except OSError:
            pass  # the client has gone
        finally:
            self.hub.unsubscribe(subscription)
            log.info("api: event stream closed (%s)", handler.client_address[0])

    def refuse_busy(self, request: socket.socket) -> None:
        """Too many connections: a complete 503 answer, without reading the request."""
        body = dumps({"error": f"{self.config.max_connections} connections are already open; try again",
                      "code": "too_many_connections"})
        try:
            request.settimeout(1.0)
            request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                            b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            # Read what the client sent before closing: closing on unread data
            # resets the connection, and the client might never see the 503.
            request.shutdown(socket.SHUT_WR)
            request.settimeout(0.2)
            while request.recv(65536):
                pass
        except OSError:
            pass


def _sse(event: dict) -> bytes:
    """One event as AITuberKit's events.ts writes it: id, event name, JSON data."""
    return (f"id: {event['id']}\nevent: {event['type']}\ndata: "
            f"{json.dumps(event, ensure_ascii=False, separators=(',', ':'))}\n\n").encode()


def _new_id(prefix: str) -> str:
    """As AITuberKit's createId: prefix, milliseconds, random."""
    return f"{prefix}_{int(time.time() * 1000)}_{secrets.token_hex(4)}"

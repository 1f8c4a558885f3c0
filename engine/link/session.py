"""What one server-mode connection does with the frames a bot sends.

The server runs one of these per connected bot: it acks, refuses with coded
errors, rate-limits and bounds the queue, since a bot is a stranger. (Toward a
server we chose, in client mode, ``engine.link.client_session`` does none of
that.) Replies go out through ``send``, which only queues.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from engine.link.addressing import Addressing
from engine.link.inbox import Backlog, Command, Inbox, LinkNotice, Received
from engine.link.messages import Ack, Cancel, ChatError, ChatMessage, Hello, Parsed, Ping, Pong
from engine.link.protocol import ErrorCode, ProtocolError, parse_frame
from engine.link.replies import Replies
from engine.link.security import RateLimiter
from engine.settings.config import LinkConfig

log = logging.getLogger("kuchipaku.link")


class LinkSession:
    def __init__(self, conn_id: int, send: Callable[[str], None], inbox: Inbox, backlog: Backlog,
                 replies: Replies, config: LinkConfig, addressing: Addressing | None = None,
                 room: str | None = None) -> None:
        self.conn_id = conn_id
        self._addressing = addressing or Addressing()
        self.room = room  # the character this connection's path (/ws/<name>) speaks as
        self._send = send
        self._inbox = inbox
        self._backlog = backlog
        self._replies = replies
        self._max_text_length = config.max_text_length
        self._max_image_bytes = config.max_image_bytes
        self._rate = RateLimiter(config.rate_per_s, config.rate_burst)
        self._rate_warned = False  # a flood is logged once, not once per frame

    def opened(self) -> None:
        """Greet a new bot with our capabilities."""
        self._send(self._replies.session_ready(f"kuchipaku-{self.conn_id}", self._max_text_length))

    def on_text(self, frame: str) -> Parsed | None:
        """Handle one text frame. Returns nothing the caller must act on."""
        try:
            parsed = parse_frame(frame, self._max_text_length, self._max_image_bytes)
        except ProtocolError as err:
            self.refuse(err)
            return None
        # Parsed first, so that a refused v2 event is still acked under its id.
        if not self._rate.allow():
            self.refuse(ProtocolError(ErrorCode.RATE_LIMITED,
                                      f"more than {self._rate.rate:g} messages a second; slow down",
                                      parsed.event_id, parsed.event_type), quiet=True)
            return None
        event = parsed.event
        if isinstance(event, ChatMessage):
            self._on_chat(parsed, event)
        elif isinstance(event, (Cancel, ChatError)):
            self._ack(parsed)
            log.info("link #%d: %s%s", self.conn_id, parsed.event_type,
                     f" for request {event.request_id!r}" if event.request_id else "")
            self._inbox.put(Command(self.conn_id, event))
        elif isinstance(event, Hello):
            self._ack(parsed)
            log.info("link #%d: session.hello", self.conn_id)
        elif isinstance(event, Ping):
            self._ack(parsed)
            self._send(self._replies.pong(parsed.event_id))
        elif isinstance(event, (Ack, Pong)):
            pass  # answers are never answered: two peers would loop
        else:
            self.refuse(ProtocolError(ErrorCode.UNKNOWN_TYPE,
                                      f"{parsed.event_type or 'a chat message for a bot'} is not accepted here",
                                      parsed.event_id, parsed.event_type))
        return None

    def _on_chat(self, parsed: Parsed, message: ChatMessage) -> None:
        try:
            message = self._addressing.resolve(message, self.room)
        except ProtocolError as err:
            self.refuse(ProtocolError(err.code, err.message, parsed.event_id, parsed.event_type))
            return
        if not self._backlog.try_take():
            self.refuse(ProtocolError(
                ErrorCode.QUEUE_FULL, f"{self._backlog.limit} messages are already waiting; try again later",
                parsed.event_id, parsed.event_type))
            return
        if log.isEnabledFor(logging.INFO):  # the hot path of a flood: format only what is shown
            log.info("link #%d: %s %s, role %s, emotion %s, %d characters%s", self.conn_id,
                     parsed.event_type or "v1", message.block.value, ascii(message.role[:40]), message.emotion,
                     len(message.text), f", request {message.lifecycle_id!r}" if message.lifecycle_id else "")
            if message.character is not None:
                log.info("link #%d: for %s", self.conn_id, ascii(message.character))
            if message.image is not None:
                log.info("link #%d: with an image (%s, %d characters)", self.conn_id,
                         ascii(message.image[:40].split(",")[0]), len(message.image))
        self._ack(parsed)
        if parsed.version == "1":
            for warning in parsed.warnings:
                self._send(self._replies.warning(warning))
        if message.lifecycle_id is not None:
            self._send(self._replies.lifecycle("character.message.received", message.lifecycle_id,
                                               **({"character": message.character} if message.character else {})))
        if message.interrupt:  # as AITuberKit's HTTP API: stop everything, then speak this
            self._inbox.put(Command(self.conn_id, Cancel(None)))
        self._inbox.put(Received(self.conn_id, message))

    def _ack(self, parsed: Parsed) -> None:
        if parsed.event_id is not None and parsed.version == "2":
            self._send(self._replies.ack(parsed.event_id, parsed.event_type, warnings=parsed.warnings))

    def refuse(self, err: ProtocolError, quiet: bool = False) -> None:
        # ascii() keeps whatever the bot sent from forging log lines.
        if not quiet or not self._rate_warned:
            log.warning("link #%d: refused frame: %s %s", self.conn_id, err.code, ascii(err.message))
            self._inbox.put(LinkNotice(f"Refused a message: {err.code}", "warning"))
        self._rate_warned = quiet
        if err.event_id is not None:
            self._send(self._replies.ack(err.event_id, err.event_type, "error", err.code, err.message))
        else:
            self._send(self._replies.error(err.code, err.message))

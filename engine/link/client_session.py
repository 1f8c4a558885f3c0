"""What the client does with the frames a server sends, on one connection.

Toward a server we are AITuberKit, so unlike the server-mode ``LinkSession``
this answers nothing: no ``ack``, no ``error`` or ``warning`` reply, no
``pong`` (AITuberKit sends none of them, and real servers take each as an
invalid message and answer it, which is how loops start). The server's stream
is never rate-limited or refused: we chose to connect to it. A frame we
cannot use is logged and shown to the streamer, and dropped.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from engine.link.guard import ServerStream, Verdict
from engine.link.inbox import Backlog, Command, Inbox, LinkNotice, Received
from engine.link.messages import Block, Cancel, ChatError, ChatMessage, Parsed, Ping
from engine.link.protocol import ProtocolError, parse_frame
from engine.link.replies import Replies
from engine.link.segments import Segments, message_details
from engine.settings.config import LinkConfig
from engine.vocabulary import Role

log = logging.getLogger("kuchipaku.link")


class ClientSession:
    def __init__(self, conn_id: int, send: Callable[[str], None], inbox: Inbox, backlog: Backlog,
                 replies: Replies, config: LinkConfig, stream: ServerStream, segments: Segments,
                 is_v2: Callable[[], bool], on_invalid_reply: Callable[[str], None]) -> None:
        self.conn_id = conn_id
        self._send = send
        self._inbox = inbox
        self._backlog = backlog
        self._replies = replies
        self._config = config
        self._stream = stream
        self._segments = segments
        self._is_v2 = is_v2
        self._on_invalid_reply = on_invalid_reply
        self._refused: set[str] = set()  # codes already shown: a broken server is reported once per kind
        self.dropped_cancelled = 0

    def on_text(self, frame: str) -> Parsed | None:
        """Handle one frame; return it when the client manages it itself
        (session.ready, pong, ack)."""
        try:
            parsed = parse_frame(frame, self._config.max_text_length, self._config.max_image_bytes)
        except ProtocolError as err:
            self._ignored(err)
            return None
        event = parsed.event
        if isinstance(event, ChatMessage):
            self._on_chat(parsed, event)
        elif isinstance(event, ChatError):
            self._on_chat_error(event)
        elif isinstance(event, Cancel):
            # AITuberKit ignores a server's control.cancel; we take it as meant: stop that speech.
            log.info("link #%d: the server cancelled %s", self.conn_id,
                     f"request {event.request_id!r}" if event.request_id else "all speech")
            self._inbox.put(Command(self.conn_id, event))
        elif isinstance(event, Ping):
            log.debug("link #%d: a ping from the server, not answered (AITuberKit answers none)", self.conn_id)
        else:
            return parsed  # Ready, Pong, Ack for the client; Hello and UserChat mean nothing here
        return None

    def _ignored(self, err: ProtocolError) -> None:
        log.log(logging.INFO if err.code in self._refused else logging.WARNING,
                "link #%d: ignored a frame from the server: %s %s", self.conn_id, err.code, ascii(err.message))
        if err.code not in self._refused:
            self._refused.add(err.code)
            self._inbox.put(LinkNotice(f"Ignored a frame from the server: {err.code}", "warning"))

    def _on_chat(self, parsed: Parsed, message: ChatMessage) -> None:
        verdict = self._stream.admit(message)
        if verdict is Verdict.CANCELLED:
            self.dropped_cancelled += 1
            log.info("link #%d: not spoken, the streamer cancelled this answer: %s %d characters", self.conn_id,
                     parsed.event_type or "v1", len(message.text))
            return
        if verdict is Verdict.INVALID:
            self._on_invalid_reply(message.text)
            return
        if message.request_id is None and message.message_id is not None:
            # Lifecycle events go only to v2 requests with a requestId, as AITuberKit sends them.
            message = dataclasses.replace(message, message_id=None)
        for warning in parsed.warnings:
            log.warning("link #%d: %s: %s", self.conn_id, warning.field, ascii(warning.message))
            if warning.field == "image":
                self._inbox.put(LinkNotice("Image not shown: " + warning.message[:80], "warning"))
        if message.image is not None:
            log.info("link #%d: message with an image (%s, %d characters)", self.conn_id,
                     ascii(message.image[:40].split(",")[0]), len(message.image))
        log.info("link #%d: %s %s, role %s, emotion %s, %d characters%s", self.conn_id, parsed.event_type or "v1",
                 message.block.value, ascii(message.role[:40]), message.emotion, len(message.text),
                 f", request {message.request_id!r}" if message.request_id else "")
        self._backlog.take()  # counted, never refused: the client stops reading at the cap instead
        if message.request_id is not None and self._is_v2():
            self._segments.received(message)
            self._send(self._replies.lifecycle("character.message.received", message.request_id,
                                               **self._segments.stamp("character.message.received",
                                                                      message_details(message))))
        self._inbox.put(Received(self.conn_id, message))

    def _on_chat_error(self, event: ChatError) -> None:
        self._stream.request_failed(event.request_id)
        log.warning("link #%d: the server reported an error: %s", self.conn_id, ascii(event.message))
        if self._config.speak_chat_error:  # as AITuberKit: the error is the assistant's last words
            self._backlog.take()
            self._inbox.put(Received(self.conn_id, ChatMessage(event.message, "assistant", Role.SPEECH, "neutral",
                                                               Block.END, request_id=event.request_id,
                                                               version="2")))
        else:
            self._inbox.put(Command(self.conn_id, event))

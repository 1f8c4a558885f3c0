"""What the client sends a server, and when: one queue that outlives a
connection, and the writer that turns its items into AITuberKit's frames on
the link thread.

Other threads only put items (a typed line, a cancel, a lifecycle frame); the
link thread decides their shape when it sends them, since only it knows
whether the server speaks v2. A kind of automatic frame the server calls
invalid is not sent again on that connection, so no loop can form.
"""
from __future__ import annotations

import collections
import logging
import threading
from dataclasses import dataclass
from typing import Protocol

from engine.link.guard import ServerStream
from engine.link.inbox import Command, Inbox, LinkNotice
from engine.link.messages import Cancel
from engine.link.replies import Replies
from engine.settings.config import LinkConfig

log = logging.getLogger("kuchipaku.link")


class Connection(Protocol):
    def send(self, message: str) -> None: ...


@dataclass(frozen=True)
class Out:
    """Something to send: a ready frame ("tts_complete", "lifecycle"), a
    typed line ("typed"), or a cancel ("cancel")."""

    kind: str
    frame: str = ""
    text: str = ""
    request_id: str | None = None
    only_if_answering: bool = False


class Outgoing:
    """A bounded queue of what to send, kept across reconnects. Any thread puts."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: collections.deque[Out] = collections.deque()
        self._lock = threading.Lock()

    def put(self, item: Out) -> bool:
        with self._lock:
            if len(self._items) >= self.limit:
                return False
            self._items.append(item)
            return True

    def take_all(self) -> list[Out]:
        with self._lock:
            items = list(self._items)
            self._items.clear()
            return items

    def __len__(self) -> int:
        return len(self._items)


class ServerWriter:
    """Link thread only: writes the queue's items to one connection."""

    def __init__(self, config: LinkConfig, replies: Replies, stream: ServerStream, inbox: Inbox) -> None:
        self._config = config
        self._replies = replies
        self._stream = stream
        self._inbox = inbox
        self._disabled: set[str] = set()    # frame kinds the server called invalid, on this connection
        self._last_auto: str | None = None  # the last frame we sent that no person asked for

    def new_connection(self) -> None:
        self._disabled = set()
        self._last_auto = None

    def flush(self, connection: Connection, items: list[Out], conn_id: int, v2: bool) -> None:
        for item in items:
            if item.kind == "typed":
                event_id = self._replies.next_id() if v2 else None
                frame = (self._replies.user_chat(item.text, event_id=event_id) if v2
                         else self._replies.legacy_user_chat(item.text))
                self._stream.typed(event_id)
                connection.send(frame)
                log.info("sent a typed line (%d characters)", len(item.text))
            elif item.kind == "cancel":
                if item.only_if_answering and not self._stream.answering:
                    continue
                current = self._stream.cancel(v2)  # always: it starts dropping the rest of the answer
                request = item.request_id or current
                # What arrived before the cancel but is not yet spoken goes too.
                self._inbox.put(Command(conn_id, Cancel(None)))
                if v2:
                    self.send_auto(connection, "cancel", self._replies.cancel(request))
            elif item.kind == "lifecycle" and v2:
                self.send_auto(connection, "lifecycle", item.frame)
            elif item.kind == "tts_complete" and self._config.client_tts_complete:
                self.send_auto(connection, "tts_complete", item.frame)
            else:
                log.debug("not sent to the server (AITuberKit would not): %s", item.frame[:80])

    def send_auto(self, connection: Connection, kind: str, frame: str) -> None:
        """A frame no person asked for; not sent if the server called its kind invalid."""
        if kind in self._disabled:
            return
        self._last_auto = kind
        connection.send(frame)
        if kind != "lifecycle":
            log.info("sent %s to the server", kind)

    def invalid_reply(self, text: str) -> None:
        """The server said it did not understand a frame of ours. The kind we
        sent last is not sent again on this connection."""
        culprit = self._last_auto
        if culprit is not None and culprit not in self._disabled:
            self._disabled.add(culprit)
            log.warning("the server answered our %s with %s: not spoken; no more %s on this connection",
                        culprit, ascii(text[:60]), culprit)
            self._inbox.put(LinkNotice(f"The server did not understand our {culprit}; stopped sending it", "warning"))
        else:
            log.warning("the server says it did not understand a frame: %s (not spoken)", ascii(text[:60]))

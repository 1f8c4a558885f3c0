"""What the client lets through of the server's stream. Pure; owned by the
link thread.

Two jobs:
- After the streamer cancels, the rest of the answer being cancelled is not
  spoken: the open block (or the answer to a line we just sent) is dropped up
  to its end (``chat.done``, legacy ``end``), the end a v2 server sends for a
  cancelled stream included. A block that starts under another ``requestId``
  is let through at once.
- A server that did not understand one of our frames says so in a chat message
  (tegnike/aituber-server: 不正な送信が送られたようです。). Such a reply is
  recognised by its text, never spoken, and reported, so that no automatic
  frame of ours can feed a loop through it.
"""
from __future__ import annotations

import enum

from engine.link.messages import Block, ChatMessage


class Verdict(enum.Enum):
    SPEAK = "speak"
    CANCELLED = "cancelled"   # part of an answer the streamer cancelled
    INVALID = "invalid"       # the server's "invalid message" reply to a frame of ours


class ServerStream:
    def __init__(self, invalid_replies: tuple[str, ...] = ()) -> None:
        self._invalid = frozenset(text.strip() for text in invalid_replies if text.strip())
        self.reset()

    def reset(self) -> None:
        """A new connection: nothing is open, nothing is awaited."""
        self.block_open = False
        self.block_request: str | None = None
        self.active_request: str | None = None  # our last chat.message id, until its answer ends (AITuberKit)
        self._awaiting_answer = False           # a typed line went out and no block has begun since
        self._muted = False
        self._muted_request: str | None = None

    @property
    def muted(self) -> bool:
        return self._muted

    @property
    def answering(self) -> bool:
        """An answer is coming in, or awaited for a line we sent."""
        return self.block_open or self._awaiting_answer

    def typed(self, request_id: str | None) -> None:
        """We sent a typed line (``request_id``: its v2 event id)."""
        self.active_request = request_id
        self._awaiting_answer = True

    def cancel(self, v2: bool) -> str | None:
        """The streamer cancelled. Starts dropping what is left of the answer
        and returns the request to name in control.cancel (AITuberKit's
        activeRequestId, else the open block's). Only an explicit block
        (start ... end) is dropped, or on a v2 link the answer to our line: a
        sender of loose messages has no end that would stop the dropping."""
        request = self.active_request or self.block_request
        if self.block_open or (self._awaiting_answer and v2):
            self._muted, self._muted_request = True, request
        self._awaiting_answer = False
        self.active_request = None
        return request

    def admit(self, message: ChatMessage) -> Verdict:
        if self._muted:
            other = (message.request_id is not None and self._muted_request is not None
                     and message.request_id != self._muted_request)
            if not (other and message.block is Block.START):
                if message.block is Block.END:
                    self._muted = False
                    self._close()
                return Verdict.CANCELLED
            self._muted = False
        self._track(message)
        if self._invalid and message.spoken and message.text.strip() in self._invalid:
            return Verdict.INVALID
        return Verdict.SPEAK

    def request_failed(self, request_id: str | None) -> None:
        """chat.error ends our request, as AITuberKit's failRequest."""
        if request_id is None or request_id == self.active_request:
            self.active_request = None
            self._awaiting_answer = False

    def _track(self, message: ChatMessage) -> None:
        if message.block is Block.START:
            self.block_open, self.block_request = True, message.request_id
            self._awaiting_answer = False
        if message.block is Block.END:
            # AITuberKit's completeRequest: a done without requestId ends the active one too.
            if message.request_id is None or message.request_id == self.active_request:
                self.active_request = None
            self._close()

    def _close(self) -> None:
        self.block_open, self.block_request = False, None

"""The messages the link protocol reads: plain, frozen data.

``engine.link.protocol.parse_frame`` builds them from a frame; the sessions,
the inbox and the speech queue act on them. Nothing here parses or checks.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from engine.link.bot_audio import BotAudio
from engine.vocabulary import Role


class Block(enum.Enum):
    """Where a message sits in a response block (the legacy ``type`` field)."""

    START = "start"    # clears the subtitle and opens a new block
    END = "end"        # closes the block after its text
    APPEND = "append"  # anything else: joins the open block, or opens one


@dataclass(frozen=True)
class Warning:
    field: str
    message: str


@dataclass(frozen=True)
class ChatMessage:
    """Something to show or say: a v1 message or a v2 chat.start/delta/done."""

    text: str
    role: str
    presentation: Role
    emotion: str
    block: Block
    message_id: str | None = None  # "id" (either version)
    request_id: str | None = None  # "requestId" (v2)
    version: str = "1"
    emotion_given: bool = False    # the sender named a valid emotion (else the default applies)
    image: str | None = None       # an http(s) URL or data: URI, checked by engine.link.image
    cancelled: bool = False        # v2 chat.done with payload.cancelled: the end of a cancelled answer
    character: str | None = None   # who speaks it, as the sender named her (v1 "character", v2 payload.character)
    # Extensions shared with the HTTP API: the bot's own voice (played instead
    # of synthesising ``text``), "high" priority (head of the queue) and
    # interrupt (everything queued and speaking is cancelled first).
    audio: BotAudio | None = None
    priority: bool = False
    interrupt: bool = False

    @property
    def spoken(self) -> bool:
        return self.presentation is Role.SPEECH

    @property
    def lifecycle_id(self) -> str | None:
        """The id lifecycle events are reported under, if the sender gave one."""
        return self.request_id or self.message_id


@dataclass(frozen=True)
class Hello:
    """session.hello: the bot's capabilities; answered by ack."""

    capabilities: dict


@dataclass(frozen=True)
class Ping:
    pass


@dataclass(frozen=True)
class Cancel:
    """control.cancel: stop speaking; only ``request_id``'s speech when given."""

    request_id: str | None


@dataclass(frozen=True)
class ChatError:
    """chat.error: the bot's own failure, shown and never spoken."""

    message: str
    request_id: str | None


@dataclass(frozen=True)
class Ready:
    """session.ready from the server we connect to in client mode."""

    capabilities: dict


@dataclass(frozen=True)
class Ack:
    for_id: str | None
    status: str


@dataclass(frozen=True)
class Pong:
    pass


@dataclass(frozen=True)
class UserChat:
    """chat.message, or legacy {"type": "chat"}: a viewer's line for a bot.
    We send these in client mode; we never act on one."""

    content: str


Event = ChatMessage | Hello | Ping | Cancel | ChatError | Ready | Ack | Pong | UserChat


@dataclass(frozen=True)
class Parsed:
    event: Event
    warnings: tuple[Warning, ...] = ()
    version: str = "1"
    event_id: str | None = None    # a v2 event's own id, to be acked
    event_type: str | None = None

    @property
    def message(self) -> ChatMessage:
        assert isinstance(self.event, ChatMessage)
        return self.event

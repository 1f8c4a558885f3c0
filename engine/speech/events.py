"""What the speech side reports: typed, frozen events, in the order they happen.

Per sentence: SentenceStarted, then SentenceFinished. Per message, in this
order: Rendered, SpeechStarted, SpeechError (a sentence mimed silently),
SpeechDone, MessageDone; then ResponseDone once a block's end has been reached
and all of its speech is over. A message that is only shown (not spoken) gets
LineShown, Rendered and MessageDone. A cancelled message gets SpeechDone
(cancelled, if it had speech) and MessageDone (cancelled).

BlockStarted and LineShown say what the captions show; VoiceProblem is for a
toast. The app decides what to do with each; the speech side draws nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.vocabulary import Role

LOCAL = 0  # the connection of a line spoken from the command line, the input box or the test key


@dataclass(frozen=True)
class MessageRef:
    """Who sent a message and under which id its lifecycle is reported."""

    connection: int
    lifecycle_id: str | None
    version: str
    character: str | None = None  # who speaks it; None: the stage's default character

    @property
    def local(self) -> bool:
        """Spoken from here, not received: it took no backlog place and has nobody to answer."""
        return self.connection <= LOCAL


@dataclass(frozen=True)
class BlockStarted:
    """A new block begins, or the sentence playing was cancelled: the subtitle starts afresh."""


@dataclass(frozen=True)
class LineShown:
    """A line that is shown, not spoken (a question, code, output, a narrator's note)."""

    message: MessageRef
    presentation: Role
    role: str
    text: str


@dataclass(frozen=True)
class SentenceStarted:
    """A sentence is heard (or mimed, when ``audible`` is False) from now on."""

    message: MessageRef
    text: str
    emotion: str
    audible: bool
    problem: str | None  # why it is mimed silently, if it is
    duration_s: float
    peak_dbfs: float | None  # None for a silent clip

    @property
    def character(self) -> str | None:
        """Who speaks it (None: the stage's default character)."""
        return self.message.character


@dataclass(frozen=True)
class SentenceFinished:
    message: MessageRef
    text: str
    emotion: str


@dataclass(frozen=True)
class Rendered:
    """The message reached the screen: its first sentence started or its line was shown."""

    message: MessageRef


@dataclass(frozen=True)
class SpeechStarted:
    message: MessageRef


@dataclass(frozen=True)
class SpeechError:
    """A sentence of the message could not be voiced and is mimed silently."""

    message: MessageRef
    text: str
    problem: str


@dataclass(frozen=True)
class SpeechDone:
    message: MessageRef
    cancelled: bool = False


@dataclass(frozen=True)
class MessageDone:
    """All of the message has been handled; its backlog place is free again."""

    message: MessageRef
    cancelled: bool = False


@dataclass(frozen=True)
class ResponseDone:
    """The block this message closed is over, all of its speech included."""

    message: MessageRef


@dataclass(frozen=True)
class VoiceProblem:
    """The voice failed in a new way: a toast for the streamer (one per kind of problem)."""

    text: str


SpeechEvent = (BlockStarted | LineShown | SentenceStarted | SentenceFinished | Rendered | SpeechStarted
               | SpeechError | SpeechDone | MessageDone | ResponseDone | VoiceProblem)

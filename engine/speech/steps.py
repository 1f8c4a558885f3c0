"""What the speech queue holds: a FIFO of steps, one message after another.

A message becomes, in order: a new block (if it starts one), its sentences,
the line it shows (if it is not spoken), "message done", and "block end" (if
it closes its block). Counts are kept beside the FIFO so that neither the
prefetch nor ``busy`` walks a long queue (a flood) on every frame. What a
step reports when it reaches the head (or is cancelled) is said here too.
"""
from __future__ import annotations

import collections
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from engine.link.bot_audio import BotAudio
from engine.speech.events import (
    BlockStarted,
    LineShown,
    MessageDone,
    MessageRef,
    Rendered,
    ResponseDone,
    SpeechDone,
    SpeechEvent,
)
from engine.speech.text import Sentence


@dataclass
class Book:
    """Book-keeping for one accepted message until all of it has been handled.
    Held-back stream text spoken after a pause gets a book of its own that is
    not ``counted``: its message was already done and answered."""

    ref: MessageRef
    spoken: bool
    counted: bool = True
    rendered: bool = False
    speaking_started: bool = False
    first: bool = False  # priority "high": queued ahead of everything not yet started


@dataclass
class Speak:
    uid: int
    sentence: Sentence
    message: Book
    deadline: float | None = None  # set when it reaches the head without audio
    audio: BotAudio | None = None  # the bot's own voice: the worker reads its mouth shapes instead of synthesising


@dataclass
class Show:
    line: LineShown
    message: Book


@dataclass
class NewBlock:
    message: None = None
    first: bool = False  # opens a priority message's block


@dataclass
class Done:
    message: Book


@dataclass
class BlockEnd:
    message: Book  # the message that closed the block (type "end", chat.done)


Step = Speak | Show | NewBlock | Done | BlockEnd


class Steps:
    def __init__(self) -> None:
        self._steps: collections.deque[Step] = collections.deque()
        self._unrequested: collections.deque[Speak] = collections.deque()
        self._uids = itertools.count(1)
        self.speech_queued = 0  # Speak steps not yet started
        self.block_open = False
        self._block_explicit = False  # opened by a "start": later messages join it until its "end"
        self._block_stream: tuple[int, str] | None = None  # the v2 request an implicit block belongs to

    def __len__(self) -> int:
        return len(self._steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self._steps)

    def head(self) -> Step:
        return self._steps[0]

    def pop(self) -> Step:
        step = self._steps.popleft()
        if isinstance(step, Speak):
            self.speech_queued -= 1
        return step

    def add(self, book: Book, sentences: list[Sentence], shown: LineShown | None, starts_block: bool,
            ends_block: bool, own_voice: BotAudio | None = None, *,
            stream: tuple[int, str] | None = None) -> None:
        # One subtitle per message: a message joins the one before only inside
        # a block a "start" opened, or as more of the same v2 request (``stream``).
        # A line that is only shown leaves the viewers' subtitle as it is.
        joins = self.block_open and not starts_block and (
            self._block_explicit or (stream is not None and stream == self._block_stream)
            or (not sentences and not ends_block))
        if not joins:
            self._steps.append(NewBlock())
            self.block_open = True
            self._block_explicit = starts_block
            self._block_stream = stream
        self._add_speech(book, sentences, own_voice)
        if shown is not None:
            self._steps.append(Show(shown, book))
        self._steps.append(Done(book))
        if ends_block:
            self._steps.append(BlockEnd(book))
            self.block_open = False

    def add_held(self, book: Book, sentences: list[Sentence]) -> None:
        """Held-back stream text, spoken where the queue stands now."""
        self._add_speech(book, sentences)
        self._steps.append(Done(book))

    def add_first(self, book: Book, sentences: list[Sentence], own_voice: BotAudio | None = None) -> None:
        """Priority "high" (AITuberKit's HTTP API): a block of its own ahead of
        everything not yet started, behind earlier priority messages; the
        sentence playing now (no longer a step) finishes first."""
        book.first = True
        speaks = [Speak(next(self._uids), sentence, book, audio=own_voice) for sentence in sentences]
        at = 0
        while at < len(self._steps) and self._is_first(self._steps[at]):
            at += 1
        inserted: list[Step] = [NewBlock(first=True), *speaks, Done(book)]
        if at < len(self._steps) and not isinstance(self._steps[at], NewBlock):
            inserted.append(NewBlock())  # what it cut in front of keeps a subtitle of its own
        for step in reversed(inserted):
            self._steps.insert(at, step)
        self._unrequested.extendleft(reversed(speaks))
        self.speech_queued += len(speaks)

    @staticmethod
    def _is_first(step: Step) -> bool:
        return step.first if isinstance(step, NewBlock) else step.message is not None and step.message.first

    def _add_speech(self, book: Book, sentences: list[Sentence], own_voice: BotAudio | None = None) -> None:
        for sentence in sentences:
            step = Speak(next(self._uids), sentence, book, audio=own_voice)
            self._steps.append(step)
            self._unrequested.append(step)
        self.speech_queued += len(sentences)

    def unrequested(self, wanted: int) -> list[Speak]:
        """Up to ``wanted`` sentences not yet handed to the worker, oldest first."""
        taken: list[Speak] = []
        while self._unrequested and len(taken) < wanted:
            taken.append(self._unrequested.popleft())
        return taken

    def remove(self, doomed: Callable[[Book], bool]) -> list[Step]:
        """Take out every step of the messages ``doomed`` picks; returns them in order."""
        kept: collections.deque[Step] = collections.deque()
        removed: list[Step] = []
        for step in self._steps:
            if step.message is not None and doomed(step.message):
                removed.append(step)
                if isinstance(step, Speak):
                    self.speech_queued -= 1
            else:
                kept.append(step)
        self._steps = kept
        self._unrequested = collections.deque(s for s in self._unrequested if not doomed(s.message))
        return removed

    def next_subtitle(self, current: list[str]) -> list[str] | None:
        """The subtitle's sentences once the next sentence starts, given the
        ``current`` ones; None if none is queued."""
        for step in self._steps:
            if isinstance(step, NewBlock):
                current = []
            elif isinstance(step, Speak):
                return [*current, step.sentence.text]
            elif isinstance(step, Show):
                return None  # the text changes some other way first
        return None


# ---- what a step reports --------------------------------------------------------------

def report(step: NewBlock | Show | Done | BlockEnd) -> list[SpeechEvent]:
    """The events of a step that is not a sentence, now at the head."""
    if isinstance(step, NewBlock):
        return [BlockStarted()]
    if isinstance(step, Show):
        return [step.line, *rendered(step.message)]
    if isinstance(step, Done):
        return [*rendered(step.message), *finished(step.message)]
    return [ResponseDone(step.message.ref)]


def rendered(book: Book) -> list[SpeechEvent]:
    """Rendered, the first time any of the message reaches the screen."""
    if book.rendered:
        return []
    book.rendered = True
    return [Rendered(book.ref)]


def finished(book: Book, cancelled: bool = False) -> list[SpeechEvent]:
    """A message all handled (or dropped): SpeechDone if it had speech, and
    MessageDone unless its book is not ``counted``."""
    done: list[SpeechEvent] = [SpeechDone(book.ref, cancelled)] if book.spoken else []
    return done + ([MessageDone(book.ref, cancelled)] if book.counted else [])

"""The speech scheduler: accepted messages in arrival order, spoken sentence by
sentence, drained once per frame.

It is an explicit state machine over a FIFO of steps:

    IDLE --(head is a sentence)--> WAITING --(audio ready or timed out)--> SPEAKING
      ^                                                                      |
      +----------------------------(clip finished)---------------------------+

Non-speech steps (a new block, a line to show, "message done", "block end")
run as soon as they reach the head. The next sentences are sent to the TTS worker ahead of
time (prefetch), so the following one is ready when the current one ends.
Nothing accepted is dropped: a sentence whose synthesis fails or stalls is
mimed silently with the mouth timed from its text.
"""
from __future__ import annotations

import collections
import enum
import itertools
import logging
import queue
from dataclasses import dataclass, field
from typing import Callable

from engine.speech.clip import AudioClip, clip_from_text
from engine.overlay.captions import Captions
from engine.link.inbox import Backlog, Received
from engine.speech.playback import AudioOutput, PlaybackClock
from engine.link.protocol import Block, ChatMessage
from engine.speech.text import Sentence, sentences_of, strip_tags
from engine.speech.stream import StreamAssembler
from engine.speech.worker import SynthResult, TtsWorker, VoiceUnavailable

log = logging.getLogger("kuchipaku.speech")

PREFETCH = 3  # sentences handed to the worker ahead of the one playing


class State(enum.Enum):
    IDLE = "idle"
    WAITING = "waiting"    # the head sentence's audio is not ready yet
    SPEAKING = "speaking"


@dataclass(frozen=True)
class MessageRef:
    """Who sent a message and under which id its lifecycle is reported."""

    connection: int
    lifecycle_id: str | None
    version: str


@dataclass
class _Message:
    """Book-keeping for one accepted message until all of it has been handled.
    Held-back stream text spoken after a pause gets a book of its own that is
    not ``counted``: its message was already done and answered."""

    ref: MessageRef
    spoken: bool
    counted: bool = True
    rendered: bool = False
    speaking_started: bool = False


@dataclass
class _Speak:
    uid: int
    sentence: Sentence
    message: _Message
    deadline: float | None = None  # set when it reaches the head without audio


@dataclass
class _Show:
    chat: ChatMessage
    message: _Message


@dataclass
class _NewBlock:
    pass


@dataclass
class _MessageDone:
    message: _Message


@dataclass
class _BlockEnd:
    message: _Message  # the message that closed the block (type "end", chat.done)


_Step = _Speak | _Show | _NewBlock | _MessageDone | _BlockEnd


@dataclass(frozen=True)
class SpeechEvent:
    """What happened this frame, for the log, the face, and replies to the sender.

    Per sentence: "sentence_started", "sentence_finished". Per message, in this
    order: "rendered", "speech_start", "speech_error" (a sentence mimed
    silently), "speech_done", "message_done"; then "response_done" when a
    block's end has been reached and all of its speech is over.
    """

    kind: str
    message: MessageRef
    text: str = ""
    emotion: str = ""
    audible: bool = False
    problem: str | None = None
    cancelled: bool = False
    extra: dict = field(default_factory=dict)


Notify = Callable[[str, str], None]  # (text, level) -> a toast


class SpeechScheduler:
    def __init__(self, worker: TtsWorker, audio: AudioOutput, clock: PlaybackClock, backlog: Backlog,
                 captions: Captions, words_per_minute: int, synth_timeout_s: float,
                 notify: Notify, stream_hold_s: float = 0.8) -> None:
        self._worker = worker
        self._audio = audio
        self._clock = clock
        self._backlog = backlog
        self._captions = captions
        self._wpm = words_per_minute
        self._synth_timeout_s = synth_timeout_s
        self._notify = notify
        self._steps: collections.deque[_Step] = collections.deque()
        # Kept beside the steps so that neither the prefetch nor ``busy`` has
        # to walk a long queue (a flood of messages) on every call.
        self._unrequested: collections.deque[_Speak] = collections.deque()
        self._speech_queued = 0
        self._streams = StreamAssembler(stream_hold_s)
        self._uids = itertools.count(1)
        self._requested: set[int] = set()
        self._ready: dict[int, SynthResult] = {}
        self._block_open = False
        self._block_explicit = False  # opened by a "start": later messages join it until its "end"
        self._block_stream: tuple[int, str] | None = None
        self._voice_problem: str | None = None
        # Set when a sentence timed out: until the worker answers again, the
        # next sentences are mimed at once instead of each waiting the timeout.
        self._worker_stalled = False
        self._current: _Speak | None = None
        self.state = State.IDLE
        self.emotion = "neutral"  # of the sentence now playing or last played

    # ---- intake (frame thread, from the inbox) ---------------------------------

    def accept(self, received: Received, now: float = 0.0) -> None:
        message = received.message
        ref = MessageRef(received.connection, message.lifecycle_id, message.version)
        stream = (received.connection, message.request_id) if message.version == "2" and message.request_id else None
        if stream is not None and message.block is Block.START:
            self._speak_held(stream, ref)  # what the old block left unsaid comes before the new one
        if not message.spoken:
            sentences = []
        elif stream is not None:
            sentences = self._streams.take(stream, message.text, message.emotion, message.emotion_given,
                                           message.block is Block.END, now)
        else:
            sentences = sentences_of(message.text, message.emotion)
        book = _Message(ref, bool(sentences))
        # One subtitle per message: a message joins the one before only inside
        # a block a "start" opened, or as more of the same v2 request.
        # A line that is only shown leaves the viewers' subtitle as it is.
        joins = self._block_open and message.block is not Block.START and (
            self._block_explicit or (stream is not None and stream == self._block_stream)
            or (not sentences and message.block is Block.APPEND))
        if not joins:
            self._steps.append(_NewBlock())
            self._block_open = True
            self._block_explicit = message.block is Block.START
            self._block_stream = stream
        self._queue_speech(sentences, book)
        if not message.spoken and strip_tags(message.text):
            self._steps.append(_Show(message, book))
        self._steps.append(_MessageDone(book))
        if message.block is Block.END:
            self._steps.append(_BlockEnd(book))
            self._block_open = False
        self._prefetch()

    def _speak_held(self, stream: tuple[int, str], ref: MessageRef) -> None:
        sentences = self._streams.flush(stream)
        if sentences:
            book = _Message(ref, True, counted=False)
            self._queue_speech(sentences, book)
            self._steps.append(_MessageDone(book))

    def _queue_speech(self, sentences: list[Sentence], book: _Message) -> None:
        for sentence in sentences:
            step = _Speak(next(self._uids), sentence, book)
            self._steps.append(step)
            self._unrequested.append(step)
        self._speech_queued += len(sentences)

    def cancel(self, request_id: str | None) -> list[SpeechEvent]:
        """Drop ``request_id``'s speech (everything, when None), the sentence
        playing now included. Each dropped message ends with speech_done
        (cancelled) if it had speech, and message_done."""
        def doomed(book: _Message) -> bool:
            return request_id is None or book.ref.lifecycle_id == request_id

        self._streams.drop(lambda stream: request_id is None or stream[1] == request_id)
        if self._current is not None and doomed(self._current.message):
            self._audio.stop()
            self._clock.stop()
            self._current = None
            self.state = State.IDLE
            self._captions.new_block()
        events: list[SpeechEvent] = []
        kept: collections.deque[_Step] = collections.deque()
        for step in self._steps:
            book = getattr(step, "message", None)
            if book is None or not doomed(book):
                kept.append(step)
                continue
            if isinstance(step, _Speak):
                self._requested.discard(step.uid)
                self._ready.pop(step.uid, None)
                self._speech_queued -= 1
            elif isinstance(step, _MessageDone):
                if book.spoken:
                    events.append(SpeechEvent("speech_done", book.ref, cancelled=True))
                events.extend(self._message_done(book, cancelled=True))
        self._steps = kept
        self._unrequested = collections.deque(s for s in self._unrequested if not doomed(s.message))
        if self.state is State.WAITING:
            self.state = State.IDLE  # the next update() looks at the new head
        self._prefetch()
        return events

    @property
    def busy(self) -> bool:
        """Speech is playing or waiting to be played."""
        return self.state is not State.IDLE or self._speech_queued > 0

    def next_subtitle(self, current: list[str]) -> list[str] | None:
        """The subtitle's sentences once the next sentence starts, given the
        ``current`` ones, so overlays can render it ahead; None if none is queued."""
        for step in self._steps:
            if isinstance(step, _NewBlock):
                current = []
            elif isinstance(step, _Speak):
                return [*current, step.sentence.text]
            elif isinstance(step, _Show):
                return None  # the text changes some other way first
        return None

    @property
    def pending_steps(self) -> int:
        return len(self._steps)

    # ---- once per frame ----------------------------------------------------------

    def update(self, now: float) -> list[SpeechEvent]:
        events: list[SpeechEvent] = []
        self._collect_results()
        for stream in self._streams.due(now):
            self._speak_held(stream, MessageRef(stream[0], stream[1], "2"))
            self._prefetch()
        if self.state is State.SPEAKING:
            if not self._clock.finished(self._audio.busy()):
                return events
            events.append(self._finish_current())
        while self._steps:
            step = self._steps[0]
            if isinstance(step, _Speak):
                started = self._try_start(step, now)
                if not started:
                    self.state = State.WAITING
                    return events
                self._steps.popleft()
                self._speech_queued -= 1
                events.extend(started)
                self._prefetch()
                return events
            self._steps.popleft()
            if isinstance(step, _NewBlock):
                self._captions.new_block()
            elif isinstance(step, _Show):
                self._captions.show(step.chat.presentation, step.chat.role, strip_tags(step.chat.text))
                events.extend(self._rendered(step.message))
            elif isinstance(step, _MessageDone):
                events.extend(self._rendered(step.message))
                if step.message.spoken:
                    events.append(SpeechEvent("speech_done", step.message.ref))
                events.extend(self._message_done(step.message))
            else:
                events.append(SpeechEvent("response_done", step.message.ref))
        self.state = State.IDLE
        return events

    @staticmethod
    def _rendered(book: _Message) -> list[SpeechEvent]:
        if book.rendered:
            return []
        book.rendered = True
        return [SpeechEvent("rendered", book.ref)]

    def _message_done(self, book: _Message, cancelled: bool = False) -> list[SpeechEvent]:
        if not book.counted:
            return []
        if book.ref.connection > 0:  # a local line (connection 0) took no place in the backlog
            self._backlog.give_back()
        return [SpeechEvent("message_done", book.ref, cancelled=cancelled)]

    def _collect_results(self) -> None:
        while True:
            try:
                result = self._worker.results.get_nowait()
            except queue.Empty:
                return
            if isinstance(result, VoiceUnavailable):
                self._report_voice_problem(f"voice unavailable: {result.reason}")
                continue
            self._worker_stalled = False
            if result.uid in self._requested:
                self._ready[result.uid] = result

    def _prefetch(self) -> None:
        """Keep PREFETCH sentences with the worker: asked for, not yet started."""
        while self._unrequested and len(self._requested) < PREFETCH:
            step = self._unrequested.popleft()
            self._requested.add(step.uid)
            self._worker.submit(step.uid, step.sentence.text)

    def _try_start(self, step: _Speak, now: float) -> list[SpeechEvent]:
        """Start the head sentence if its audio is ready, or if it is overdue."""
        result = self._ready.pop(step.uid, None)
        problem: str | None = None
        if result is None:
            if step.deadline is None:
                step.deadline = now + self._synth_timeout_s
            if now < step.deadline and not self._worker_stalled:
                return []
            problem = f"synthesis took longer than {self._synth_timeout_s:g} s"
            self._worker_stalled = True
        elif result.clip is None:
            problem = result.error or "synthesis failed"
        self._requested.discard(step.uid)
        clip: AudioClip
        if problem is None and result is not None and result.clip is not None:
            clip = result.clip
        else:
            clip = clip_from_text(step.sentence.text, self._wpm)
            self._report_voice_problem(problem or "synthesis failed")
        audible = self._audio.play(clip)
        self._clock.start(clip, self._audio.latency_s if audible else 0.0)
        self._current = step
        self.state = State.SPEAKING
        self.emotion = step.sentence.emotion
        self._captions.spoken(step.sentence.text)
        book = step.message
        events = self._rendered(book)
        if not book.speaking_started:
            book.speaking_started = True
            events.append(SpeechEvent("speech_start", book.ref))
        if problem is not None:
            events.append(SpeechEvent("speech_error", book.ref, text=step.sentence.text, problem=problem))
        events.append(SpeechEvent("sentence_started", book.ref, text=step.sentence.text,
                                  emotion=step.sentence.emotion, audible=audible, problem=problem,
                                  extra={"duration_s": round(clip.duration_s, 3),
                                         "peak_dbfs": round(clip.peak_dbfs(), 1) if clip.audible else None}))
        return events

    def _finish_current(self) -> SpeechEvent:
        step = self._current
        assert step is not None
        self._current = None
        self._clock.stop()
        self.state = State.IDLE
        return SpeechEvent("sentence_finished", step.message.ref, text=step.sentence.text,
                           emotion=step.sentence.emotion)

    def _report_voice_problem(self, problem: str) -> None:
        # One toast per kind of problem, not one per sentence.
        if problem != self._voice_problem:
            self._voice_problem = problem
            self._notify(f"Speaking silently: {problem}", "warning")

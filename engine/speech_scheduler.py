"""The speech scheduler: accepted messages in arrival order, spoken sentence by
sentence, drained once per frame.

It is an explicit state machine over a FIFO of steps:

    IDLE --(head is a sentence)--> WAITING --(audio ready or timed out)--> SPEAKING
      ^                                                                      |
      +----------------------------(clip finished)---------------------------+

Non-speech steps (a new block, a line to show, "message done") run as soon as
they reach the head. The next sentences are sent to the TTS worker ahead of
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

from engine.audio_clip import AudioClip, clip_from_text
from engine.captions import Captions
from engine.inbox import Backlog, Received
from engine.playback import AudioOutput, PlaybackClock
from engine.protocol import Block
from engine.speech_text import Sentence, sentences_of, strip_tags
from engine.tts_worker import SynthResult, TtsWorker, VoiceUnavailable

log = logging.getLogger("kuchipaku.speech")

PREFETCH = 3  # sentences handed to the worker ahead of the one playing


class State(enum.Enum):
    IDLE = "idle"
    WAITING = "waiting"    # the head sentence's audio is not ready yet
    SPEAKING = "speaking"


@dataclass
class _Message:
    """Book-keeping for one accepted message until all of it has been handled."""

    connection: int
    message_id: str | None


@dataclass
class _Speak:
    uid: int
    sentence: Sentence
    message: _Message
    deadline: float | None = None  # set when it reaches the head without audio


@dataclass
class _Show:
    received: Received


@dataclass
class _NewBlock:
    pass


@dataclass
class _MessageDone:
    message: _Message


_Step = _Speak | _Show | _NewBlock | _MessageDone


@dataclass(frozen=True)
class SpeechEvent:
    """What happened this frame, for the log and for replies to the sender."""

    kind: str  # "started", "finished", "message_done"
    connection: int
    message_id: str | None
    text: str = ""
    emotion: str = ""
    audible: bool = False
    problem: str | None = None
    extra: dict = field(default_factory=dict)


Notify = Callable[[str, str], None]  # (text, level) -> a toast


class SpeechScheduler:
    def __init__(self, worker: TtsWorker, audio: AudioOutput, clock: PlaybackClock, backlog: Backlog,
                 captions: Captions, words_per_minute: int, synth_timeout_s: float,
                 notify: Notify) -> None:
        self._worker = worker
        self._audio = audio
        self._clock = clock
        self._backlog = backlog
        self._captions = captions
        self._wpm = words_per_minute
        self._synth_timeout_s = synth_timeout_s
        self._notify = notify
        self._steps: collections.deque[_Step] = collections.deque()
        self._uids = itertools.count(1)
        self._requested: set[int] = set()
        self._ready: dict[int, SynthResult] = {}
        self._block_open = False
        self._voice_problem: str | None = None
        self._current: _Speak | None = None
        self.state = State.IDLE
        self.emotion = "neutral"  # of the sentence now playing or last played

    # ---- intake (frame thread, from the inbox) ---------------------------------

    def accept(self, received: Received) -> None:
        message = received.message
        book = _Message(received.connection, message.message_id)
        if message.block is Block.START or not self._block_open:
            self._steps.append(_NewBlock())
            self._block_open = True
        if message.spoken:
            for sentence in sentences_of(message.text, message.emotion):
                self._steps.append(_Speak(next(self._uids), sentence, book))
        elif strip_tags(message.text):
            self._steps.append(_Show(received))
        if message.block is Block.END:
            self._block_open = False
        self._steps.append(_MessageDone(book))
        self._prefetch()

    @property
    def busy(self) -> bool:
        """Speech is playing or waiting to be played."""
        return self.state is not State.IDLE or any(isinstance(s, _Speak) for s in self._steps)

    @property
    def pending_steps(self) -> int:
        return len(self._steps)

    # ---- once per frame ----------------------------------------------------------

    def update(self, now: float) -> list[SpeechEvent]:
        events: list[SpeechEvent] = []
        self._collect_results()
        if self.state is State.SPEAKING:
            if not self._clock.finished(self._audio.busy()):
                return events
            events.append(self._finish_current())
        while self._steps:
            step = self._steps[0]
            if isinstance(step, _Speak):
                started = self._try_start(step, now)
                if started is None:
                    self.state = State.WAITING
                    return events
                self._steps.popleft()
                events.append(started)
                self._prefetch()
                return events
            self._steps.popleft()
            if isinstance(step, _NewBlock):
                self._captions.new_block()
            elif isinstance(step, _Show):
                message = step.received.message
                self._captions.show(message.presentation, message.role, strip_tags(message.text))
            else:
                self._backlog.give_back()
                events.append(SpeechEvent("message_done", step.message.connection, step.message.message_id))
        self.state = State.IDLE
        return events

    def _collect_results(self) -> None:
        while True:
            try:
                result = self._worker.results.get_nowait()
            except queue.Empty:
                return
            if isinstance(result, VoiceUnavailable):
                self._report_voice_problem(f"voice unavailable: {result.reason}")
            elif result.uid in self._requested:
                self._ready[result.uid] = result

    def _prefetch(self) -> None:
        waiting = 0
        for step in self._steps:
            if not isinstance(step, _Speak):
                continue
            if step.uid not in self._requested:
                self._requested.add(step.uid)
                self._worker.submit(step.uid, step.sentence.text)
            waiting += 1
            if waiting >= PREFETCH:
                return

    def _try_start(self, step: _Speak, now: float) -> SpeechEvent | None:
        """Start the head sentence if its audio is ready, or if it is overdue."""
        result = self._ready.pop(step.uid, None)
        problem: str | None = None
        if result is None:
            if step.deadline is None:
                step.deadline = now + self._synth_timeout_s
            if now < step.deadline:
                return None
            problem = f"synthesis took longer than {self._synth_timeout_s:g} s"
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
        return SpeechEvent("started", step.message.connection, step.message.message_id,
                           text=step.sentence.text, emotion=step.sentence.emotion, audible=audible,
                           problem=problem,
                           extra={"duration_s": round(clip.duration_s, 3),
                                  "peak_dbfs": round(clip.peak_dbfs(), 1) if clip.audible else None})

    def _finish_current(self) -> SpeechEvent:
        step = self._current
        assert step is not None
        self._current = None
        self._clock.stop()
        self.state = State.IDLE
        return SpeechEvent("finished", step.message.connection, step.message.message_id,
                           text=step.sentence.text, emotion=step.sentence.emotion)

    def _report_voice_problem(self, problem: str) -> None:
        # One toast per kind of problem, not one per sentence.
        if problem != self._voice_problem:
            self._voice_problem = problem
            self._notify(f"Speaking silently: {problem}", "warning")

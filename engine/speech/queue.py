"""The speech queue: accepted messages in arrival order, spoken sentence by
sentence. Pure: no I/O, no threads, no clock, no pygame.

Its inputs are method calls: ``accept`` (a message from the inbox),
``synthesized`` (what the TTS worker answered), ``clip_finished`` (the playing
clip ended), ``update(now)`` (time passed; ``now`` is the caller's clock),
``cancel`` and ``stop`` (the HTTP API's modes). Each returns, in order, typed
events (engine.speech.events) and commands (defined below) for
engine.speech.driver to carry out. The states and their moves are the table
in engine.speech.states. A message may bring its own audio (a bot's own
voice): it is played as it is, never sent to the worker; one with priority
"high" goes ahead of everything not yet started.

The next sentences are asked for ahead of time (``PREFETCH``), so the
following one is ready when the current one ends. Nothing accepted is dropped:
a sentence whose synthesis fails or takes longer than ``synth_timeout_s`` is
mimed silently with the mouth timed from its text; while the worker is stuck,
the sentences after it are mimed at once instead of each waiting again.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.link.bot_audio import BotAudio
from engine.link.inbox import Received
from engine.link.messages import Block, ChatMessage
from engine.speech.clip import AudioClip, clip_from_text
from engine.speech.events import (
    BlockStarted,
    LineShown,
    MessageRef,
    SentenceFinished,
    SpeechError,
    SpeechEvent,
    SpeechStarted,
    VoiceProblem,
)
from engine.speech.patience import Patience
from engine.speech.states import Input, State, next_state
from engine.speech.steps import Book, Done, Speak, Steps, finished, rendered, report
from engine.speech.stream import StreamAssembler
from engine.speech.text import Sentence, sentences_of, strip_tags
from engine.speech.worker import SynthResult, VoiceLoading, VoiceReady, VoiceUnavailable, WorkerAnswer

PREFETCH = 3  # sentences handed to the worker ahead of the one playing


# ---- commands for the driver ---------------------------------------------------------

@dataclass(frozen=True)
class RequestSynthesis:
    uid: int
    text: str
    character: str | None = None  # whose voice; None: the default character's
    audio: BotAudio | None = None  # the bot's own voice: analysed, not synthesised


@dataclass(frozen=True)
class StartClip:
    """Play ``clip`` and start the playback clock; report SentenceStarted."""

    message: MessageRef
    text: str
    emotion: str
    clip: AudioClip
    problem: str | None  # set when the clip is a mimed, silent one


@dataclass(frozen=True)
class StopClip:
    """Stop the playback clock. ``interrupt``: cut the sound too (a cancel);
    otherwise the clip has ended and the device may drain its last samples."""

    interrupt: bool = False


Command = RequestSynthesis | StartClip | StopClip
Output = SpeechEvent | Command


def whole_sentences(message: ChatMessage) -> list[Sentence] | None:
    """The sentences of ``message`` as the queue speaks them; None for a piece
    of a v2 stream, which is cut together with the pieces before it. Pure, so
    the sender's thread can cut it ahead (``Received.sentences``) and the frame
    loop need not (a 50-client flood spent 40% of its frames here)."""
    if not message.spoken:
        return []
    if message.audio is None and message.version == "2" and message.request_id:
        return None
    parts = sentences_of(message.text, message.emotion, message.emotion_given)
    if message.audio is not None:  # one clip for all of the text: the subtitle shows it as one sentence
        return [Sentence(" ".join(p.text for p in parts), parts[0].emotion if parts else message.emotion)]
    return parts


class SpeechQueue:
    def __init__(self, words_per_minute: int, synth_timeout_s: float, stream_hold_s: float = 0.8,
                 prefetch: int = PREFETCH) -> None:
        self._wpm = words_per_minute
        self._patience = Patience(synth_timeout_s)
        self._prefetch_limit = prefetch
        self._steps = Steps()
        self._streams = StreamAssembler(stream_hold_s)
        self._requested: set[int] = set()  # uids with the worker, not yet started
        self._ready: dict[int, SynthResult] = {}
        self._voice_problem: str | None = None
        self._current: Speak | None = None
        self._state = State.IDLE
        self._stream_speakers: dict[tuple[int, str], str | None] = {}  # who speaks a stream's held text

    @property
    def state(self) -> State:
        return self._state

    @property
    def busy(self) -> bool:
        """Speech is playing or waiting to be played."""
        return self._state is not State.IDLE or self._steps.speech_queued > 0

    @property
    def idle(self) -> bool:
        """Nothing playing and nothing queued, spoken or shown (held stream text aside)."""
        return self._state is State.IDLE and not self._steps

    def next_subtitle(self, current: list[str]) -> list[str] | None:
        """The subtitle's sentences once the next sentence starts, given the
        ``current`` ones, so overlays can render it ahead; None if none is queued."""
        return self._steps.next_subtitle(current)

    # ---- inputs ---------------------------------------------------------------------------

    def accept(self, received: Received, now: float) -> list[Output]:
        """A message from the inbox; ``now`` times the hold-back of streamed text."""
        message = received.message
        ref = MessageRef(received.connection, message.lifecycle_id, message.version, message.character)
        stream = (received.connection, message.request_id) if message.version == "2" and message.request_id else None
        if stream is not None:
            self._stream_speakers[stream] = message.character
        if stream is not None and message.block is Block.START:
            self._speak_held(stream, ref)  # what the old block left unsaid comes before the new one
        own_voice = message.audio if message.spoken else None
        sentences = received.sentences if received.sentences is not None else whole_sentences(message)
        if sentences is None:  # a piece of a stream: cut with what came before it
            sentences = self._streams.take(stream, message.text, message.emotion, message.emotion_given,
                                           message.block is Block.END, now)
        text = strip_tags(message.text)
        shown = LineShown(ref, message.presentation, message.role, text) if not message.spoken and text else None
        if message.priority and stream is None and shown is None:
            self._steps.add_first(Book(ref, bool(sentences)), sentences, own_voice)
        else:
            self._steps.add(Book(ref, bool(sentences)), sentences, shown, message.block is Block.START,
                            message.block is Block.END, own_voice, stream=stream)
        return self._prefetch()

    def synthesized(self, result: WorkerAnswer) -> list[Output]:
        """What the worker answered (in any order, late or for a cancelled sentence)."""
        if isinstance(result, (VoiceLoading, VoiceReady, VoiceUnavailable)):
            self._patience.voice_loading(isinstance(result, VoiceLoading))
        if isinstance(result, VoiceUnavailable):
            return self._report_voice_problem(f"voice unavailable: {result.reason}")
        if isinstance(result, (VoiceLoading, VoiceReady)):
            return []
        self._patience.answered()
        if result.uid in self._requested:
            self._ready[result.uid] = result
        # An engine failed and a fallback spoke (or the sentence will be mimed):
        # the chain reports each failure once, so each is worth a notice.
        return [VoiceProblem(f"Voice: {result.notice}")] if result.notice is not None else []

    def clip_finished(self) -> list[Output]:
        """The clip playing has ended (the driver's clock says so)."""
        self._state = next_state(self._state, Input.FINISH)
        step = self._current
        assert step is not None  # SPEAKING always has a current sentence
        self._current = None
        return [StopClip(), SentenceFinished(step.message.ref, step.sentence.text, step.sentence.emotion)]

    def update(self, now: float) -> list[Output]:
        """Time has come to ``now``: speak held stream text that paused long
        enough, run the steps at the head, start the next sentence if it can."""
        out: list[Output] = []
        for stream in self._streams.due(now):
            self._speak_held(stream, MessageRef(stream[0], stream[1], "2", self._stream_speakers.pop(stream, None)))
            out += self._prefetch()
        if self._state is State.SPEAKING:
            return out
        while self._steps:
            step = self._steps.head()
            if isinstance(step, Speak):
                started = self._try_start(step, now)
                if started is None:
                    self._state = next_state(self._state, Input.WAIT)
                    return out
                self._steps.pop()
                return out + started + self._prefetch()
            self._steps.pop()
            out += report(step)
        return out

    def cancel(self, request_id: str | None) -> list[Output]:
        """Drop ``request_id``'s speech (everything, when None), the sentence
        playing now included. Each dropped message ends with SpeechDone
        (cancelled) if it had speech, and MessageDone (cancelled)."""
        self._streams.drop(lambda stream: request_id is None or stream[1] == request_id)
        return self._cancel(lambda book: request_id is None or book.ref.lifecycle_id == request_id)

    def stop(self, mode: str) -> list[Output]:
        """The HTTP API's stop: ``speech`` drops the message speaking now,
        ``queue`` everything after it (that message finishes), ``all`` both."""
        current = self._current.message if self._current is not None else None
        if mode == "speech":
            return self._cancel(lambda book: book is current)
        self._streams.drop(lambda stream: True)
        if mode == "queue":
            return self._cancel(lambda book: book is not current)
        return self._cancel(lambda book: True)

    def _cancel(self, doomed: Callable[[Book], bool]) -> list[Output]:
        out: list[Output] = []
        if self._current is not None and doomed(self._current.message):
            self._current = None
            self._state = next_state(self._state, Input.DROP)
            out += [StopClip(interrupt=True), BlockStarted()]
        elif self._state is State.WAITING:
            self._state = next_state(self._state, Input.DROP)  # the next update() looks at the new head
        for step in self._steps.remove(doomed):
            if isinstance(step, Speak):
                self._requested.discard(step.uid)
                self._ready.pop(step.uid, None)
            elif isinstance(step, Done):
                out += finished(step.message, cancelled=True)
        return out + self._prefetch()

    # ---- the steps ------------------------------------------------------------------------

    def _speak_held(self, stream: tuple[int, str], ref: MessageRef) -> None:
        sentences = self._streams.flush(stream)
        if sentences:
            self._steps.add_held(Book(ref, True, counted=False), sentences)

    def _prefetch(self) -> list[Output]:
        """Keep PREFETCH sentences with the worker: asked for, not yet started."""
        steps = self._steps.unrequested(self._prefetch_limit - len(self._requested))
        self._requested.update(step.uid for step in steps)
        return [RequestSynthesis(step.uid, step.sentence.text, step.message.ref.character, step.audio)
                for step in steps]

    def _try_start(self, step: Speak, now: float) -> list[Output] | None:
        """Start the head sentence if its audio is ready or overdue; None to wait."""
        result = self._ready.pop(step.uid, None)
        problem: str | None = None
        if result is None:
            if not self._patience.overdue(step, now):
                return None
            problem = f"synthesis took longer than {self._patience.synth_timeout_s:g} s"
        elif result.clip is None:
            problem = result.error or "synthesis failed"
        self._requested.discard(step.uid)
        out: list[Output] = []
        clip: AudioClip
        if problem is None and result is not None and result.clip is not None:
            clip = result.clip
        else:
            clip = clip_from_text(step.sentence.text, self._wpm)
            out += self._report_voice_problem(problem or "synthesis failed")
        self._state = next_state(self._state, Input.START)
        self._current = step
        book = step.message
        out += rendered(book)
        if not book.speaking_started:
            book.speaking_started = True
            out.append(SpeechStarted(book.ref))
        if problem is not None:
            out.append(SpeechError(book.ref, step.sentence.text, problem))
        out.append(StartClip(book.ref, step.sentence.text, step.sentence.emotion, clip, problem))
        return out

    def _report_voice_problem(self, problem: str) -> list[Output]:
        # One toast per kind of problem, not one per sentence.
        if problem == self._voice_problem:
            return []
        self._voice_problem = problem
        return [VoiceProblem(f"Speaking silently: {problem}")]

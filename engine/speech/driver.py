"""The speech driver: the thin shell around the pure speech queue.

It owns the TTS worker, the audio output, the playback clock and the give-back
of backlog places. Once per frame (and whenever the worker wakes the loop) the
app calls ``update(now)``: the worker's answers and the clock's "clip
finished" go into the queue, the queue's commands are carried out here, and
its events go back to the app, which shows captions, toasts and replies.
"""
from __future__ import annotations

import queue
from typing import Protocol

from engine.link.bot_audio import BotAudio
from engine.link.inbox import Backlog, Received
from engine.link.messages import Block, ChatMessage
from engine.speech.events import LOCAL, MessageDone, SentenceStarted, SpeechEvent
from engine.speech.playback import AudioOutput, PlaybackClock
from engine.speech.queue import Output, RequestSynthesis, SpeechQueue, StartClip, StopClip
from engine.speech.states import State
from engine.speech.worker import WorkerAnswer
from engine.vocabulary import Role


class Worker(Protocol):
    """What the driver needs of a TTS worker (TtsWorker's thread, or one that
    synthesises on submit): requests in, answers out through ``results``."""

    results: queue.Queue[WorkerAnswer]

    def start(self) -> None: ...

    def submit(self, uid: int, text: str, character: str | None = None, audio: BotAudio | None = None) -> None: ...

    def stop(self, timeout: float = 1.0) -> None: ...


class SpeechDriver:
    def __init__(self, speech: SpeechQueue, worker: Worker, audio: AudioOutput, clock: PlaybackClock,
                 backlog: Backlog) -> None:
        self._queue = speech
        self._worker = worker
        self._audio = audio
        self._clock = clock
        self._backlog = backlog
        self._now = 0.0  # the time of the last accept or update, for lines spoken from here
        self._pending: list[SpeechEvent] = []  # events of accept(), handed out by the next update()

    @property
    def clock(self) -> PlaybackClock:
        return self._clock

    def clock_for(self, character: str | None) -> PlaybackClock:
        """Whose ever line it is, one clock: one voice at a time (SpeechLanes has one each)."""
        return self._clock

    def busy_for(self, character: str | None) -> bool:
        return self.busy

    @property
    def audio(self) -> AudioOutput:
        return self._audio

    @property
    def state(self) -> State:
        return self._queue.state

    @property
    def busy(self) -> bool:
        """Speech is playing or waiting to be played."""
        return self._queue.busy

    @property
    def idle(self) -> bool:
        """Nothing playing and nothing queued."""
        return self._queue.idle

    def next_subtitle(self, current: list[str]) -> list[str] | None:
        return self._queue.next_subtitle(current)

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()
        self._audio.close()

    def accept(self, received: Received, now: float) -> None:
        """A message the link accepted (it holds a backlog place until MessageDone)."""
        self._now = now
        self._pending += self._execute(self._queue.accept(received, now))

    def speak_local(self, text: str, emotion: str = "neutral", character: str | None = None) -> None:
        """A line from the command line, the input box or the test key. It took
        no backlog place, so it gives none back: a place is the link's to hold."""
        message = ChatMessage(text, "assistant", Role.SPEECH, emotion, Block.APPEND, character=character)
        self.accept(Received(LOCAL, message), self._now)

    def cancel(self, request_id: str | None) -> list[SpeechEvent]:
        """Drop ``request_id``'s speech (all speech, when None), the sentence playing included."""
        return self._execute(self._queue.cancel(request_id))

    def stop_speech(self, mode: str) -> list[SpeechEvent]:
        """The HTTP API's stop: ``speech``, ``queue`` or ``all`` (see SpeechQueue.stop)."""
        return self._execute(self._queue.stop(mode))

    def update(self, now: float) -> list[SpeechEvent]:
        self._now = now
        events, self._pending = self._pending, []
        while True:
            try:
                result = self._worker.results.get_nowait()
            except queue.Empty:
                break
            events += self._execute(self._queue.synthesized(result))
        if self._queue.state is State.SPEAKING and self._clock.finished(self._audio.busy()):
            events += self._execute(self._queue.clip_finished())
        return events + self._execute(self._queue.update(now))

    def _execute(self, outputs: list[Output]) -> list[SpeechEvent]:
        """Carry out the queue's commands in order; pass its events on."""
        events: list[SpeechEvent] = []
        for output in outputs:
            if isinstance(output, RequestSynthesis):
                self._worker.submit(output.uid, output.text, output.character, output.audio)
            elif isinstance(output, StartClip):
                events.append(self._start(output))
            elif isinstance(output, StopClip):
                if output.interrupt:
                    self._audio.stop()
                self._clock.stop()
            else:
                if isinstance(output, MessageDone) and not output.message.local:
                    self._backlog.give_back()
                events.append(output)
        return events

    def _start(self, command: StartClip) -> SentenceStarted:
        clip = command.clip
        audible = self._audio.play(clip)
        self._clock.start(clip, self._audio.latency_s if audible else 0.0)
        return SentenceStarted(command.message, command.text, command.emotion, audible, command.problem,
                               round(clip.duration_s, 3), round(clip.peak_dbfs(), 1) if clip.audible else None)

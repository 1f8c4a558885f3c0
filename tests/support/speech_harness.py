"""The speech driver with a real worker thread and a clock the test moves itself."""
from __future__ import annotations

import json
import threading

import numpy as np
import pytest

from engine.app.speech_view import show_in_captions
from engine.link.inbox import Backlog, Received, WakingQueue
from engine.link.protocol import parse_frame
from engine.overlay.captions import Captions
from engine.speech.clip import clip_from_samples
from engine.speech.driver import SpeechDriver
from engine.speech.events import (
    SentenceStarted,
    VoiceProblem,
)
from engine.speech.playback import AudioOutput, PlaybackClock
from engine.speech.queue import SpeechQueue
from engine.speech.states import State
from engine.speech.worker import SynthesisError, TtsWorker
from support.timing import scaled, wait_for

ANSWER_WAIT_S = scaled(10.0)  # how long the worker may take to answer one sentence on a busy machine


class ToneSynthesizer:
    """Each character becomes 10 ms of tone; text containing FAIL raises and
    text containing HANG blocks until released."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.release = threading.Event()

    def synthesize(self, text: str):
        self.seen.append(text)
        if "FAIL" in text:
            raise SynthesisError("broken on purpose")
        if "HANG" in text:
            self.release.wait(10)
        if "EMPTY" in text:
            return clip_from_samples(np.zeros(0, np.int16), 22050)
        samples = (np.sin(np.arange(len(text) * 220) / 5) * 16000).astype(np.int16)
        return clip_from_samples(samples, 22050)


class Answers(WakingQueue):
    """The worker's results queue; counts what the worker has answered."""

    def __init__(self, wake: threading.Event) -> None:
        super().__init__(wake)
        self.delivered = 0

    def put(self, item, block: bool = True, timeout: float | None = None) -> None:
        self.delivered += 1  # only the worker thread writes it
        super().put(item, block, timeout)


class Harness:
    def __init__(self, timeout_s: float = 2.0, limit: int = 100) -> None:
        self.now = 1000.0
        self.synth = ToneSynthesizer()
        self.wake = threading.Event()
        self.answers = Answers(self.wake)
        self.worker = TtsWorker(lambda: self.synth, self.answers)
        self.captions = Captions()
        self.backlog = Backlog(limit)
        self.toasts: list[str] = []
        self.clock = PlaybackClock(lambda: self.now)
        self.driver = SpeechDriver(SpeechQueue(175, timeout_s), self.worker, AudioOutput(enabled=False), self.clock,
                                   self.backlog)
        self.driver.start()
        self.events = []

    def send(self, connection: int = 1, **fields) -> None:
        assert self.backlog.try_take()
        self.driver.accept(Received(connection, parse_frame(json.dumps(fields)).message), self.now)

    def step(self, seconds: float = 0.0) -> list:
        """Move the clock on by ``seconds`` and update, as the app does once a frame."""
        self.now += seconds
        new = self.driver.update(self.now)
        for event in new:  # what the app does with them
            show_in_captions(self.captions, event)
            if isinstance(event, VoiceProblem):
                self.toasts.append(event.text)
        self.events.extend(new)
        return new

    def step_until(self, condition, what: str) -> None:
        """Update without moving the clock until ``condition()``: waits (in
        real time, bounded) on the worker thread only."""
        def stepped() -> bool:
            self.step()
            return condition()
        wait_for(stepped, what=what)

    def run_until_idle(self, max_steps: int = 5000, until=None) -> None:
        """Play on, 20 ms of fake time a step, until nothing is left (or ``until()``)."""
        for _ in range(max_steps):
            if until is not None and until():
                return
            if self.driver.state is State.WAITING:
                # The head sentence's audio is with the worker: wait for an
                # answer, with the clock stopped, so no synthesis can time out.
                assert self.wake.wait(ANSWER_WAIT_S), "the worker never answered"
                self.wake.clear()
                self.step()
            else:
                self.step(0.02)
            if self.driver.idle and not self.driver.busy:
                return
        pytest.fail("the speech never went idle")

    def spoken(self) -> list[tuple[str, str]]:
        return [(e.text, e.emotion) for e in self.events if isinstance(e, SentenceStarted)]

    def close(self) -> None:
        self.synth.release.set()
        self.driver.stop()

"""The speech queue's additions for the HTTP API: priority "high" goes ahead
of everything not yet started, a bot's own voice is played as it is (never
sent to the voice), and stop's three modes. The driver's harness: a real
worker thread, a clock the test moves."""
from __future__ import annotations

import base64
import json

import numpy as np

from engine.link.inbox import Received
from engine.link.protocol import parse_frame
from engine.speech.events import MessageDone, SentenceStarted, SpeechError
from engine.vocabulary import AUDIO_RATE
from support.speech_harness import Harness
from support.wav import mono_wav


def wav_b64(seconds: float = 0.5, rate: int = 16000) -> str:
    t = np.arange(int(seconds * rate)) / rate
    samples = (np.sin(2 * np.pi * 220 * t) * 12000 * (np.sin(2 * np.pi * 3 * t) > 0)).astype("<i2")
    return base64.b64encode(mono_wav(samples, rate)).decode()


def until_spoken(h: Harness, count: int) -> None:
    """Step (no time passes on the test's clock) until ``count`` sentences have started."""
    h.step_until(lambda: len(h.spoken()) >= count, what=f"{count} sentences started")


def send(h: Harness, connection: int = 1, **fields) -> None:
    assert h.backlog.try_take()
    h.driver.accept(Received(connection, parse_frame(json.dumps(fields)).message), h.now)


def test_priority_goes_ahead_of_what_waits_behind_the_sentence_playing():
    h = Harness()
    try:
        send(h, text="One. Two.", role="assistant")
        send(h, text="Three.", role="assistant")
        until_spoken(h, 1)
        assert h.spoken() == [("One.", "neutral")]
        send(h, text="Urgent.", role="assistant", priority="high")
        send(h, text="Urgent too.", role="assistant", priority="high")
        h.run_until_idle()
        assert [text for text, _ in h.spoken()] == ["One.", "Urgent.", "Urgent too.", "Two.", "Three."]
        assert h.backlog.taken == 0
    finally:
        h.close()


def test_own_voice_is_played_as_sent_and_never_synthesised():
    h = Harness()
    try:
        send(h, text="[happy] My own voice. Two sentences.", role="assistant", audio=wav_b64(0.5))
        h.run_until_idle()
        started = [e for e in h.events if isinstance(e, SentenceStarted)]
        assert [(e.text, e.emotion) for e in started] == [("My own voice. Two sentences.", "happy")]
        assert abs(started[0].duration_s - 0.5) < 2 / AUDIO_RATE
        assert h.synth.seen == []  # the voice was never asked
        assert not [e for e in h.events if isinstance(e, SpeechError)]
    finally:
        h.close()


def test_own_voice_with_visemes_drives_the_mouth_shape():
    h = Harness()
    try:
        send(h, text="Oh.", role="assistant", audio=wav_b64(0.5),
             visemes=[{"shape": "round", "start": 0.0}, {"shape": "closed", "start": 0.3}])
        until_spoken(h, 1)
        clip = h.clock.clip
        assert clip is not None and clip.viseme_at(0.1) == "round" and clip.viseme_at(0.35) == "closed"
    finally:
        h.close()


def test_own_voice_is_read_on_the_worker_thread_not_the_frame(monkeypatch):
    """The vowel estimator takes ~5 ms per second of audio: a long clip read on
    the frame thread would freeze the window for several frames."""
    import threading

    import engine.speech.worker as worker
    threads: list[str] = []
    real = worker.own_voice_clip

    def reading(audio):
        threads.append(threading.current_thread().name)
        return real(audio)
    monkeypatch.setattr(worker, "own_voice_clip", reading)
    h = Harness()
    try:
        send(h, text="Mine.", role="assistant", audio=wav_b64(2.0))
        assert threads == []  # accepting it read nothing
        until_spoken(h, 1)
        assert threads == ["tts-worker"] and h.clock.clip.visemes is not None
    finally:
        h.close()


def test_stop_modes():
    h = Harness()
    try:
        for text in ("A one. A two.", "B.", "C."):
            send(h, text=text, role="assistant")
        until_spoken(h, 1)
        events = h.driver.stop_speech("queue")  # "A one." keeps playing, A finishes, B and C go
        assert sum(isinstance(e, MessageDone) for e in events) == 2
        h.run_until_idle()
        assert [text for text, _ in h.spoken()] == ["A one.", "A two."]
        send(h, text="D one. D two.", role="assistant")
        send(h, text="E.", role="assistant")
        until_spoken(h, 3)
        h.driver.stop_speech("speech")  # D goes, E stays
        h.run_until_idle()
        assert [text for text, _ in h.spoken()][2:] == ["D one.", "E."]
        assert h.backlog.taken == 0
    finally:
        h.close()

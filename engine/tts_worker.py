"""The TTS worker thread: sentences in, audio clips out, through queues.

It owns the pyttsx3 engine (espeak-ng), which must stay on one thread. Audio is
synthesised to a WAV with ``save_to_file`` and read back; ``say()`` is never
used, because on Linux it shells out to ``aplay`` and its word callbacks fire
before any sound is heard.
"""
from __future__ import annotations

import contextlib
import io
import logging
import queue
import tempfile
import threading
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

import numpy as np

from engine.audio_clip import AudioClip, clip_from_samples
from engine.config import VoiceConfig

log = logging.getLogger("kuchipaku.tts")

FINISH_TIMEOUT_S = 30.0  # far beyond any sentence; the scheduler gives up on it much sooner


@dataclass(frozen=True)
class SynthRequest:
    uid: int
    text: str


@dataclass(frozen=True)
class SynthResult:
    uid: int
    clip: AudioClip | None
    error: str | None = None


@dataclass(frozen=True)
class VoiceUnavailable:
    """Sent once, first, when the engine cannot be loaded; all speech is mimed."""

    reason: str


class Synthesizer(Protocol):
    def synthesize(self, text: str) -> AudioClip: ...


class SynthesisError(Exception):
    pass


class EspeakSynthesizer:
    """espeak-ng through pyttsx3, one WAV file per sentence."""

    def __init__(self, voice: VoiceConfig, workdir: Path) -> None:
        import pyttsx3  # imported here: loading libespeak-ng is part of what may fail

        self._engine = pyttsx3.init("espeak")
        # runAndWait() can return as soon as synthesis has *started* (its end-of-
        # loop command runs first), so the WAV is only complete once the driver
        # reports the utterance finished.
        self._finished = threading.Event()
        self._engine.connect("finished-utterance", lambda **_: self._finished.set())
        self._engine.setProperty("rate", voice.rate)
        self._engine.setProperty("volume", voice.volume)
        if voice.voice_id:
            self._engine.setProperty("voice", voice.voice_id)
        self._workdir = workdir
        self._count = 0

    def synthesize(self, text: str) -> AudioClip:
        self._count += 1
        path = self._workdir / f"sentence-{self._count}.wav"
        self._finished.clear()
        self._engine.save_to_file(text, str(path))
        # pyttsx3's espeak driver prints "Audio saved to ..." on stdout.
        with contextlib.redirect_stdout(io.StringIO()):
            self._engine.runAndWait()
            if not self._finished.wait(FINISH_TIMEOUT_S):
                raise SynthesisError(f"espeak-ng did not finish within {FINISH_TIMEOUT_S:g} s")
        try:
            with wave.open(str(path), "rb") as wav:
                if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
                    raise SynthesisError("espeak-ng wrote an unexpected WAV format")
                rate = wav.getframerate()
                samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        except (OSError, EOFError, wave.Error) as err:
            raise SynthesisError(f"no audio was written: {err}") from None
        finally:
            path.unlink(missing_ok=True)
        if not len(samples):
            raise SynthesisError("espeak-ng produced no samples")
        return clip_from_samples(samples, rate)


SynthesizerFactory = Callable[[Path], Synthesizer]


class TtsWorker:
    """Runs a Synthesizer on its own thread; talk to it only via its queues."""

    def __init__(self, make_synthesizer: SynthesizerFactory) -> None:
        self._make = make_synthesizer
        self.requests: queue.Queue[SynthRequest | None] = queue.Queue()
        self.results: queue.Queue[SynthResult | VoiceUnavailable] = queue.Queue()
        # A daemon thread: a synthesiser stuck inside native code must not keep
        # the program alive at exit; stop() still joins it when it can.
        self._thread = threading.Thread(target=self._run, name="tts-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def submit(self, uid: int, text: str) -> None:
        self.requests.put(SynthRequest(uid, text))

    def stop(self, timeout: float = 1.0) -> None:
        self.requests.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        with tempfile.TemporaryDirectory(prefix="kuchipaku-tts-") as tmp:
            synthesizer: Synthesizer | None = None
            try:
                synthesizer = self._make(Path(tmp))
            except Exception as err:  # any failure to load the engine means: speak silently
                reason = f"{type(err).__name__}: {err}"
                log.warning("voice unavailable, speaking silently: %s", reason)
                self.results.put(VoiceUnavailable(reason))
            while (request := self.requests.get()) is not None:
                self.results.put(self._synthesize(synthesizer, request))

    def _synthesize(self, synthesizer: Synthesizer | None, request: SynthRequest) -> SynthResult:
        if synthesizer is None:
            return SynthResult(request.uid, None, "voice unavailable")
        started = time.perf_counter()
        try:
            clip = synthesizer.synthesize(request.text)
        except Exception as err:  # a fault in one sentence must not end the worker
            log.warning("synthesis failed for sentence %d: %s", request.uid, err)
            return SynthResult(request.uid, None, f"{type(err).__name__}: {err}")
        log.debug("synthesised sentence %d: %.2f s of audio in %.0f ms", request.uid,
                  clip.duration_s, (time.perf_counter() - started) * 1000)
        return SynthResult(request.uid, clip)

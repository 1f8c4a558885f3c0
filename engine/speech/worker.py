"""The TTS worker thread: sentences in, audio clips out, through queues.

It owns the voice engines (engine.speech.voices), built on this thread by the
factory: espeak-ng must stay on one thread and be initialised once per
process, and piper's model loads for seconds, which must never be the frame
thread's. Each sentence becomes samples in memory; pyttsx3's ``say()`` is
never used, because on Linux it shells out to ``aplay`` and its word
callbacks fire before any sound is heard.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from engine.link.bot_audio import BotAudio
from engine.speech.clip import AudioClip
from engine.speech.memory import give_back_freed_memory
from engine.speech.own_voice import own_voice_clip

# The engines live in engine.speech.voices; these names are re-exported here
# because the worker's callers and tests have always found them here.
from engine.speech.voices.base import SynthesisError, Synthesizer, VoiceProblem

log = logging.getLogger("kuchipaku.tts")



@dataclass(frozen=True)
class SynthRequest:
    uid: int
    text: str
    character: str | None = None  # whose voice (a CastVoices picks it); None: the default
    audio: BotAudio | None = None  # the bot's own voice: its mouth shapes are read, nothing is synthesised


@dataclass(frozen=True)
class SynthResult:
    uid: int
    clip: AudioClip | None
    error: str | None = None
    # An engine that failed on the way (the clip then came from a fallback, or
    # is None): for a notice to the streamer. The clip is still good.
    notice: VoiceProblem | None = None


@dataclass(frozen=True)
class VoiceUnavailable:
    """Sent once, first, when the engine cannot be loaded; all speech is mimed."""

    reason: str


@dataclass(frozen=True)
class VoiceLoading:
    """Sent first by a worker that loads its voice on its own thread: until
    VoiceReady (or VoiceUnavailable), a sentence waiting for audio is waiting
    for the load, which may take seconds, not for a stalled synthesis."""


@dataclass(frozen=True)
class VoiceReady:
    """The voice is loaded: from now on a slow sentence is a stall."""


WorkerAnswer = SynthResult | VoiceUnavailable | VoiceLoading | VoiceReady


SynthesizerFactory = Callable[[], Synthesizer]


class CastVoices:
    """One voice per character on a duo stage; made on the worker thread like any voice.
    ``synthesize`` alone speaks with the default character's voice."""

    def __init__(self, voices: dict[str, Synthesizer], default: str) -> None:
        self.voices = voices
        self.default = default

    def synthesize_as(self, character: str | None, text: str) -> AudioClip:
        return self.voices.get(character or self.default, self.voices[self.default]).synthesize(text)

    def synthesize(self, text: str) -> AudioClip:
        return self.synthesize_as(None, text)


def load_synthesizer(make: SynthesizerFactory) -> tuple[Synthesizer | None, VoiceUnavailable | None]:
    """Build the voice, or say why it cannot speak (then every sentence is mimed)."""
    try:
        return make(), None
    except Exception as err:  # any failure to load the engine means: speak silently
        reason = f"{type(err).__name__}: {err}"
        log.warning("voice unavailable, speaking silently: %s", reason)
        return None, VoiceUnavailable(reason)


def synthesize(synthesizer: Synthesizer | None, request: SynthRequest) -> SynthResult:
    """One sentence to audio; a fault in one sentence is reported, never raised."""
    if request.audio is not None:  # reading the shapes from the sound takes ~5 ms a second: not on the frame
        return SynthResult(request.uid, own_voice_clip(request.audio))
    if synthesizer is None:
        return SynthResult(request.uid, None, "voice unavailable")
    started = time.perf_counter()
    try:
        if isinstance(synthesizer, CastVoices):
            clip = synthesizer.synthesize_as(request.character, request.text)
        else:
            clip = synthesizer.synthesize(request.text)
        if clip.duration_s <= 0:
            raise SynthesisError("the voice engine returned no audio")
    except Exception as err:  # a fault in one sentence must not end the worker
        log.warning("synthesis failed for sentence %d: %s", request.uid, err)
        return SynthResult(request.uid, None, f"{type(err).__name__}: {err}", _problem_of(synthesizer))
    log.debug("synthesised sentence %d: %.2f s of audio in %.0f ms", request.uid,
              clip.duration_s, (time.perf_counter() - started) * 1000)
    return SynthResult(request.uid, clip, notice=_problem_of(synthesizer))


def _problem_of(synthesizer: Synthesizer) -> VoiceProblem | None:
    """The notice a fallback chain left for the last sentence, if any."""
    take = getattr(synthesizer, "take_problem", None)
    return take() if callable(take) else None


class TtsWorker:
    """Runs a Synthesizer on its own thread; talk to it only via its queues."""

    def __init__(self, make_synthesizer: SynthesizerFactory, results: queue.Queue | None = None) -> None:
        self._make = make_synthesizer
        self.requests: queue.Queue[SynthRequest | None] = queue.Queue()
        self.results: queue.Queue[WorkerAnswer] = results if results is not None else queue.Queue()
        # A daemon thread: a synthesiser stuck inside native code must not keep
        # the program alive at exit; stop() still joins it when it can.
        self._thread = threading.Thread(target=self._run, name="tts-worker", daemon=True)

    def start(self) -> None:
        self.results.put(VoiceLoading())  # before any sentence can be asked for
        self._thread.start()

    def submit(self, uid: int, text: str, character: str | None = None, audio: BotAudio | None = None) -> None:
        self.requests.put(SynthRequest(uid, text, character, audio))

    def stop(self, timeout: float = 1.0) -> None:
        self.requests.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        synthesizer, problem = load_synthesizer(self._make)
        self.results.put(problem or VoiceReady())
        while (request := self.requests.get()) is not None:
            self.results.put(synthesize(synthesizer, request))
            if self.requests.empty():  # idle: between sentences, never before one
                give_back_freed_memory()


class InlineWorker:
    """The worker's interface with no thread: each sentence is synthesised when
    it is submitted, on the caller's thread, so its result is ready at the very
    frame it was asked for. Record mode uses it: a recording is the same every time."""

    def __init__(self, make_synthesizer: SynthesizerFactory, results: queue.Queue | None = None) -> None:
        self._make = make_synthesizer
        self._synthesizer: Synthesizer | None = None
        self.results: queue.Queue[WorkerAnswer] = results if results is not None else queue.Queue()

    def start(self) -> None:
        self._synthesizer, problem = load_synthesizer(self._make)
        if problem is not None:
            self.results.put(problem)

    def submit(self, uid: int, text: str, character: str | None = None, audio: BotAudio | None = None) -> None:
        self.results.put(synthesize(self._synthesizer, SynthRequest(uid, text, character, audio)))

    def stop(self, timeout: float = 1.0) -> None:
        pass

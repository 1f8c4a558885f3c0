"""The TTS worker thread: sentences in, audio clips out, through queues.

It owns espeak-ng, which must stay on one thread and be initialised once per
process. Each sentence becomes samples in memory; pyttsx3's ``say()`` is never
used, because on Linux it shells out to ``aplay`` and its word callbacks fire
before any sound is heard.
"""
from __future__ import annotations

import ctypes
import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Protocol

import numpy as np

from engine.speech.clip import AudioClip, clip_from_samples
from engine.settings.config import VoiceConfig
from engine.speech.visemes import VisemeTrack

log = logging.getLogger("kuchipaku.tts")



@dataclass(frozen=True)
class SynthRequest:
    uid: int
    text: str
    character: str | None = None  # whose voice (a CastVoices picks it); None: the default


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


EVENT_PHONEME = 7  # espeakEVENT_PHONEME; pyttsx3's binding names the types only up to 6

# espeak-ng is one engine per process: initialised once, used by one thread at a time.
_ESPEAK_LOCK = threading.Lock()
_espeak_rate: int | None = None


def _initialised_rate(espeak: Any, buffer_ms: int) -> int:
    global _espeak_rate
    with _ESPEAK_LOCK:
        if _espeak_rate is None:
            # Option 1: phoneme events, each with its position in the audio, for visemes.
            rate = espeak.Initialize(espeak.AUDIO_OUTPUT_SYNCHRONOUS, buffer_ms, None, 1)
            if rate <= 0:
                raise SynthesisError("espeak-ng could not be initialised")
            _espeak_rate = rate
        return _espeak_rate


class EspeakSynthesizer:
    """espeak-ng through the ctypes binding that pyttsx3 ships, in synchronous
    mode: ``synthesize`` returns when all of the sentence's audio is in hand.

    pyttsx3's own ``save_to_file`` path is not used: its event loop returns
    from ``runAndWait`` before the WAV is written, drops property changes made
    before the first call, and loses the samples of a sentence short enough to
    arrive in the same callback as the end event (seen here: "How are you?"
    came back as an empty WAV). In synchronous mode the callback runs on this
    thread, inside ``espeak_Synth``, so none of that can happen.
    """

    BUFFER_MS = 200

    def __init__(self, voice: VoiceConfig) -> None:
        from pyttsx3.drivers import _espeak  # loading libespeak-ng is what fails when it is missing

        self._espeak = _espeak
        self._voice = voice
        self.sample_rate = _initialised_rate(_espeak, self.BUFFER_MS)
        self._chunks: list[bytes] = []
        self._phonemes: list[tuple[float, str]] = []
        self._words: list[tuple[float, int]] = []
        # Checked now, so that a wrong voice name fails at start-up, not per sentence.
        with _ESPEAK_LOCK:
            self._configure()

    def _configure(self) -> None:
        """espeak-ng's callback and parameters are process-wide: set ours
        before each sentence (with the lock held), in case another instance ran."""
        espeak = self._espeak
        espeak.SetSynthCallback(self._on_audio)
        espeak.SetParameter(espeak.RATE, self._voice.rate, 0)
        espeak.SetParameter(espeak.VOLUME, round(self._voice.volume * 100), 0)
        voice_id = self._voice.voice_id
        if voice_id and espeak.SetVoiceByName(voice_id.encode("utf-8")) != espeak.EE_OK:
            raise SynthesisError(f"espeak-ng has no voice {voice_id!r}")

    def _on_audio(self, wav: Any, count: int, events: Any) -> int:
        if count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        index = 0
        while events[index].type != self._espeak.EVENT_LIST_TERMINATED:
            event = events[index]
            if event.type == self._espeak.EVENT_WORD:
                # text_position is 1-based, in characters of the UTF-8 text we passed.
                self._words.append((event.audio_position / 1000, event.text_position - 1 + event.length))
            elif event.type == EVENT_PHONEME:
                # The mnemonic is the union's char[8] form, which pyttsx3's
                # binding does not declare: read the 8 bytes themselves.
                raw = ctypes.string_at(ctypes.addressof(event) + self._espeak.EVENT.id.offset, 8)
                self._phonemes.append((event.audio_position / 1000, raw.split(b"\0")[0].decode("ascii", "replace")))
            index += 1
        return 0  # 0: go on synthesising

    def synthesize(self, text: str) -> AudioClip:
        with _ESPEAK_LOCK:
            self._configure()
            self._chunks = []
            self._phonemes = []
            self._words: list[tuple[float, int]] = []
            status = self._espeak.Synth(text, flags=self._espeak.ENDPAUSE | self._espeak.CHARS_UTF8)
        if status != self._espeak.EE_OK:
            raise SynthesisError(f"espeak_Synth returned {status}")
        samples = np.frombuffer(b"".join(self._chunks), dtype="<i2")
        if not len(samples):
            raise SynthesisError("espeak-ng produced no samples")
        return clip_from_samples(samples, self.sample_rate, VisemeTrack.from_events(self._phonemes),
                                 tuple(self._words))


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
        return SynthResult(request.uid, None, f"{type(err).__name__}: {err}")
    log.debug("synthesised sentence %d: %.2f s of audio in %.0f ms", request.uid,
              clip.duration_s, (time.perf_counter() - started) * 1000)
    return SynthResult(request.uid, clip)


class TtsWorker:
    """Runs a Synthesizer on its own thread; talk to it only via its queues."""

    def __init__(self, make_synthesizer: SynthesizerFactory, results: queue.Queue | None = None) -> None:
        self._make = make_synthesizer
        self.requests: queue.Queue[SynthRequest | None] = queue.Queue()
        self.results: queue.Queue[SynthResult | VoiceUnavailable] = results if results is not None else queue.Queue()
        # A daemon thread: a synthesiser stuck inside native code must not keep
        # the program alive at exit; stop() still joins it when it can.
        self._thread = threading.Thread(target=self._run, name="tts-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def submit(self, uid: int, text: str, character: str | None = None) -> None:
        self.requests.put(SynthRequest(uid, text, character))

    def stop(self, timeout: float = 1.0) -> None:
        self.requests.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        synthesizer, problem = load_synthesizer(self._make)
        if problem is not None:
            self.results.put(problem)
        while (request := self.requests.get()) is not None:
            self.results.put(synthesize(synthesizer, request))


class InlineWorker:
    """The worker's interface with no thread: each sentence is synthesised when
    it is submitted, on the caller's thread, so its result is ready at the very
    frame it was asked for. Record mode uses it: a recording is the same every time."""

    def __init__(self, make_synthesizer: SynthesizerFactory, results: queue.Queue | None = None) -> None:
        self._make = make_synthesizer
        self._synthesizer: Synthesizer | None = None
        self.results: queue.Queue[SynthResult | VoiceUnavailable] = results if results is not None else queue.Queue()

    def start(self) -> None:
        self._synthesizer, problem = load_synthesizer(self._make)
        if problem is not None:
            self.results.put(problem)

    def submit(self, uid: int, text: str, character: str | None = None) -> None:
        self.results.put(synthesize(self._synthesizer, SynthRequest(uid, text, character)))

    def stop(self, timeout: float = 1.0) -> None:
        pass

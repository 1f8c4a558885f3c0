"""espeak-ng: every language, small, the light fallback.

Through the ctypes binding that pyttsx3 ships, in synchronous mode. It must
stay on the thread that initialised it, and is initialised once per process.
Its phoneme events give exact viseme timing.
"""
from __future__ import annotations

import ctypes
import threading
from typing import Any

import numpy as np

from engine.settings.config import VoiceConfig
from engine.speech.clip import AudioClip, clip_from_samples
from engine.speech.visemes import VisemeTrack
from engine.speech.voices.base import SynthesisError

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

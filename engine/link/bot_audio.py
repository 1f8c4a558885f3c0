"""A bot's own voice: the ``audio`` (and ``visemes``) fields of a message,
decoded and checked. Pure: bytes in, samples out, every failure a coded
``ProtocolError`` (``bad_audio``), so the link refuses bad audio where the bot
can be told and nothing of it is ever played.

Accepted forms (see docs/HTTP_API.md, "Your own voice"):

- a string: a WAV file (16-bit PCM, mono or stereo, any rate), base64 or a
  ``data:audio/wav;base64,...`` URI;
- an object ``{"data": <base64 or data: URI>, "sampleRate": 24000,
  "channels": 1}``: raw 16-bit little-endian PCM at that rate.

The samples come out mono, int16, at ``vocabulary.AUDIO_RATE`` (the mixer's
rate), so the speech side plays them like any synthesised clip.
"""
from __future__ import annotations

import base64
import binascii
import io
import math
import wave
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.vocabulary import AUDIO_RATE, MOUTH_SHAPES

MAX_VISEMES = 20_000
# Over WebSocket the frame size caps the audio first (link.max_frame_bytes);
# over HTTP, http_api.max_body_bytes. These are the limits beyond both.
DEFAULT_MAX_AUDIO_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_AUDIO_S = 120.0


class AudioProblem(ValueError):
    """Why the audio was refused; the protocol turns it into ``bad_audio``.
    ``too_large``: it was refused for its size (HTTP 413)."""

    def __init__(self, message: str, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


@dataclass(frozen=True)
class BotAudio:
    """The bot's voice for one message, ready to play."""

    samples: np.ndarray = field(compare=False, repr=False)  # mono int16 at AUDIO_RATE
    visemes: tuple[tuple[float, str], ...] = ()  # (start in seconds, mouth shape), ascending

    @property
    def duration_s(self) -> float:
        return len(self.samples) / AUDIO_RATE


def decode_audio(value: Any, visemes: Any, max_seconds: float = DEFAULT_MAX_AUDIO_S,
                 max_bytes: int = DEFAULT_MAX_AUDIO_BYTES) -> BotAudio:
    """``value`` and ``visemes`` as the bot sent them. Raises AudioProblem."""
    if isinstance(value, str):
        raw = _base64(value, "audio", max_bytes)
        samples, rate, channels = _wav(raw)
    elif isinstance(value, dict):
        data = value.get("data")
        if not isinstance(data, str):
            raise AudioProblem("audio.data must be a base64 string or a data: URI")
        rate = value.get("sampleRate")
        if isinstance(rate, bool) or not isinstance(rate, int) or not 4000 <= rate <= 192_000:
            raise AudioProblem("audio.sampleRate must be a whole number of hertz from 4000 to 192000")
        channels = value.get("channels", 1)
        if channels not in (1, 2) or isinstance(channels, bool):
            raise AudioProblem("audio.channels must be 1 or 2")
        raw = _base64(data, "audio.data", max_bytes)
        if len(raw) % (2 * channels):
            raise AudioProblem("audio.data is not whole 16-bit samples")
        samples = np.frombuffer(raw, dtype="<i2")
    else:
        raise AudioProblem("audio must be a base64 WAV string or an object {data, sampleRate}")
    if channels == 2:
        samples = samples.reshape(-1, 2).mean(axis=1)
    seconds = len(samples) / rate
    if seconds > max_seconds:
        raise AudioProblem(f"audio is {seconds:.1f} s long; the limit is {max_seconds:g} s", too_large=True)
    if len(samples) == 0:
        raise AudioProblem("audio holds no samples")
    return BotAudio(_resample(samples, rate), _visemes(visemes, seconds))


def _base64(text: str, name: str, max_bytes: int) -> bytes:
    if text.startswith("data:"):
        header, comma, text = text.partition(",")
        if not comma or not header.endswith(";base64"):
            raise AudioProblem(f"{name} is a data: URI without ';base64,'")
    if len(text) * 3 // 4 > max_bytes:
        raise AudioProblem(f"{name} is over {max_bytes} bytes", too_large=True)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise AudioProblem(f"{name} is not valid base64") from None


def _wav(raw: bytes) -> tuple[np.ndarray, int, int]:
    if raw[:4] != b"RIFF" or raw[8:12] != b"WAVE":
        raise AudioProblem("audio is not a WAV file (no RIFF/WAVE header); send raw PCM as {data, sampleRate}")
    try:
        with wave.open(io.BytesIO(raw), "rb") as wav:
            width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError, ValueError) as err:
        raise AudioProblem(f"audio is not a readable WAV file: {err}") from None
    if width != 2:
        raise AudioProblem(f"audio is {8 * width}-bit; only 16-bit PCM WAV is played")
    if channels not in (1, 2):
        raise AudioProblem(f"audio has {channels} channels; send mono or stereo")
    if not 4000 <= rate <= 192_000:
        raise AudioProblem(f"audio's sample rate {rate} Hz is out of range")
    usable = len(frames) - len(frames) % (2 * channels)
    return np.frombuffer(frames[:usable], dtype="<i2"), rate, channels


def _resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """To AUDIO_RATE by linear interpolation: enough for speech, and cheap."""
    if rate == AUDIO_RATE:
        return np.ascontiguousarray(samples, dtype=np.int16)
    count = max(1, round(len(samples) * AUDIO_RATE / rate))
    positions = np.arange(count) * (rate / AUDIO_RATE)
    out = np.interp(positions, np.arange(len(samples)), samples.astype(np.float32))
    return np.clip(np.rint(out), -32768, 32767).astype(np.int16)


def _visemes(value: Any, seconds: float) -> tuple[tuple[float, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise AudioProblem("visemes must be a list of {shape, start}")
    if len(value) > MAX_VISEMES:
        raise AudioProblem(f"visemes has {len(value)} entries; the limit is {MAX_VISEMES}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise AudioProblem(f"visemes[{i}] must be an object {{shape, start}}")
        shape, start = item.get("shape"), item.get("start")
        if shape not in MOUTH_SHAPES:
            raise AudioProblem(f"visemes[{i}].shape must be one of {', '.join(MOUTH_SHAPES)}")
        if isinstance(start, bool) or not isinstance(start, (int, float)) or not math.isfinite(start) \
                or not 0 <= start <= seconds:
            raise AudioProblem(f"visemes[{i}].start must be seconds from 0 to the audio's length")
        out.append((float(start), shape))
    return tuple(sorted(out))

"""WAV files as the tests make them: a TTS server's answer, a bot's own voice."""
from __future__ import annotations

import io
import wave

import numpy as np


def mono_wav(samples: np.ndarray, rate: int) -> bytes:
    """``samples`` (floats in -1..1, or int16) as a 16-bit mono WAV file."""
    if samples.dtype != np.dtype("<i2"):
        samples = np.clip(samples * 32767, -32768, 32767).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())
    return out.getvalue()

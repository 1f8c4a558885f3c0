"""Sound helpers shared by the engines: resampling to the mixer's rate,
float to int16 with no wrap-around, trimming long silences, reading WAV bytes."""
from __future__ import annotations

import io
import math
import wave

import numpy as np

from engine.speech.voices.base import SynthesisError
from engine.vocabulary import AUDIO_RATE

_RESAMPLE_CHUNK = 8192  # output samples per step: bounds the gathered taps to a few MB


def resample(samples: np.ndarray, from_rate: int, to_rate: int, zero_crossings: int = 12) -> np.ndarray:
    """Band-limited resampling (Kaiser-windowed sinc), numpy only.

    The mixer plays buffers as if they were at its own rate (``AudioOutput.play``
    hands the bytes straight to ``pygame.mixer.Sound``), so Open JTalk's 48 kHz
    must become AUDIO_RATE (22050 Hz) here. Plain linear interpolation would fold the voice's
    11-24 kHz part (its s, sh, ts) back into the audible band as hiss; the
    sinc's low-pass, just under the lower Nyquist frequency, keeps it out.
    The rates are integers, so output samples fall on only ``to_rate / gcd``
    distinct fractions of an input sample (147 for 48000 -> 22050): the taps
    are computed once per fraction, which keeps a sentence to a few ms.
    Returns float64 at the same scale as the input.
    """
    x = np.asarray(samples, dtype=np.float64).ravel()
    if from_rate == to_rate or not len(x):
        return x.copy()
    common = math.gcd(from_rate, to_rate)
    up, down = to_rate // common, from_rate // common            # output n sits at input n * down / up
    cutoff = 0.5 * min(1.0, up / down) * 0.95                    # cycles per input sample
    half = int(np.ceil(zero_crossings / (2 * cutoff)))           # taps each side, in input samples
    offsets = np.arange(-half + 1, half + 1)
    distance = (np.arange(up) / up)[:, None] - offsets[None, :]  # per fraction, within (-half, half)
    beta = 8.6                                                   # Kaiser: about 90 dB stop-band
    window = np.i0(beta * np.sqrt(np.clip(1.0 - (distance / half) ** 2, 0.0, 1.0))) / np.i0(beta)
    table = 2 * cutoff * np.sinc(2 * cutoff * distance) * window
    padded = np.concatenate([np.zeros(half), x, np.zeros(half + 1)])
    count = len(x) * up // down
    out = np.empty(count)
    for start in range(0, count, _RESAMPLE_CHUNK):
        step = np.arange(start, min(start + _RESAMPLE_CHUNK, count), dtype=np.int64) * down
        base, fraction = step // up, step % up
        out[start:start + len(step)] = np.einsum("ij,ij->i", padded[base[:, None] + offsets[None, :] + half],
                                                 table[fraction])
    return out


def to_int16(samples: np.ndarray, volume: float = 1.0) -> np.ndarray:
    """float samples on the int16 scale to int16, scaled by ``volume``.

    Open JTalk sometimes renders a sentence louder than full scale (peaks of
    34314 for "こんにちは。今日はいい天気ですね。", 40705 at speed 2); clipping
    would crackle and a plain cast would wrap into loud clicks, so such a
    sentence is turned down as a whole to peak at -0.5 dBFS. Others are left
    as they are, so sentences keep their loudness.
    """
    scaled = np.asarray(samples, dtype=np.float64) * volume
    peak = float(np.max(np.abs(scaled))) if len(scaled) else 0.0
    if peak > 32767:
        scaled *= 32767 * 10 ** (-0.5 / 20) / peak
    return np.clip(np.round(scaled), -32768, 32767).astype(np.int16)


def trim_silence(samples: np.ndarray, rate: int, lead_s: float = 0.03, tail_s: float = 0.3,
                 threshold_dbfs: float = -45.0) -> np.ndarray:
    """``samples`` without the silence at either end beyond ``lead_s`` and ``tail_s``.

    Open JTalk pads every sentence with about 0.3-0.4 s of silence at each end.
    Left in, each sentence would start that much after its subtitle and the
    mouth would wait for it, and two sentences would sit 0.7 s apart. espeak-ng
    starts sounding within 30 ms and ends with a 0.3 s pause: trimmed to
    the same, both voices keep the same rhythm. The cut falls where the signal
    is below ``threshold_dbfs``, so it makes no click.
    """
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 32768 * 10 ** (threshold_dbfs / 20))
    if not len(loud):
        return samples
    start = max(0, int(loud[0]) - round(lead_s * rate))
    stop = min(len(samples), int(loud[-1]) + 1 + round(tail_s * rate))
    return samples[start:stop]


def decode_wav(data: bytes, volume: float = 1.0, rate: int = AUDIO_RATE) -> np.ndarray:
    """A WAV file's bytes (as HTTP engines send them) as int16 mono at ``rate``.

    PCM 16-bit, 8-bit, 24-bit, 32-bit and IEEE float are read; stereo is mixed
    down. Anything else, or a truncated file, raises SynthesisError: a broken
    reply must never reach the mixer as noise.
    """
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            channels, width, source_rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError, ValueError) as err:
        return _decode_float_wav(data, volume, rate, err)
    if not frames or channels < 1:
        raise SynthesisError("the WAV has no samples")
    usable = len(frames) // (width * channels) * width * channels
    if width == 2:
        values = np.frombuffer(frames[:usable], dtype="<i2").astype(np.float64)
    elif width == 1:
        values = (np.frombuffer(frames[:usable], dtype=np.uint8).astype(np.float64) - 128) * 256
    elif width == 3:
        raw = np.frombuffer(frames[:usable], dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        values = ((raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)) << 8 >> 8).astype(np.float64) / 256
    elif width == 4:
        values = np.frombuffer(frames[:usable], dtype="<i4").astype(np.float64) / 65536
    else:
        raise SynthesisError(f"the WAV has {width}-byte samples")
    return _finish(values.reshape(-1, channels).mean(axis=1), source_rate, volume, rate)


def _decode_float_wav(data: bytes, volume: float, rate: int, first_error: Exception) -> np.ndarray:
    """WAVE_FORMAT_IEEE_FLOAT (3), which Python's wave module refuses; some
    OpenAI-compatible servers send it."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SynthesisError(f"not a WAV file ({first_error})")
    position, fmt, samples = 12, None, None
    while position + 8 <= len(data):
        kind, size = data[position:position + 4], int.from_bytes(data[position + 4:position + 8], "little")
        body = data[position + 8:position + 8 + size]
        if kind == b"fmt " and len(body) >= 16:
            fmt = (int.from_bytes(body[0:2], "little"), int.from_bytes(body[2:4], "little"),
                   int.from_bytes(body[4:8], "little"), int.from_bytes(body[14:16], "little"))
        elif kind == b"data":
            samples = body
        position += 8 + size + (size & 1)
    if fmt is None or samples is None or fmt[0] != 3 or fmt[3] not in (32, 64) or fmt[1] < 1:
        raise SynthesisError(f"a WAV this program cannot read ({first_error})")
    dtype = "<f4" if fmt[3] == 32 else "<f8"
    usable = len(samples) // (fmt[3] // 8 * fmt[1]) * (fmt[3] // 8 * fmt[1])
    values = np.frombuffer(samples[:usable], dtype=dtype).astype(np.float64) * 32767
    if not len(values):
        raise SynthesisError("the WAV has no samples")
    return _finish(values.reshape(-1, fmt[1]).mean(axis=1), fmt[2], volume, rate)


def _finish(values: np.ndarray, source_rate: int, volume: float, rate: int) -> np.ndarray:
    if not np.all(np.isfinite(values)):
        raise SynthesisError("the WAV holds NaN or infinite samples")
    if source_rate < 4000 or source_rate > 384000:
        raise SynthesisError(f"the WAV's sample rate {source_rate} Hz is not plausible")
    return to_int16(resample(values, source_rate, rate), volume)

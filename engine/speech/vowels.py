"""The mouth's shapes from the audio alone, for voices that report no timing
(kokoro-ja, Open JTalk, OpenAI-compatible servers, and later audio a bot
sends).

In the spirit of uLipSync: every 10 ms frame becomes MFCCs (12 cepstral
coefficients and the level, with the clip's own mean removed so one voice's
timbre is not read as a vowel), and the frame with its three neighbours on
each side is matched against vowel profiles learned from a calibration voice.
The profiles are a small network (``vowel_profiles.npz``, 6 k numbers) fitted
by bench/calibrate_vowels.py to piper's phoneme alignments, so it tells the
spectra of a, i/e, u/o and consonants apart rather than following loudness.
Frames more than 30 dB below the clip's peak are closed. On piper speech it
agrees with the alignment-based shape on about 72% of voiced frames (see
docs/PERFORMANCE.md); loudness alone cannot do better than always saying the
commonest shape.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from engine.speech.clip import AudioClip, clip_from_samples
from engine.speech.visemes import VisemeTrack

PROFILES = Path(__file__).with_name("vowel_profiles.npz")
RATE = 22050          # the analysis rate (AUDIO_RATE); other rates are resampled first
HOP_S = 0.010
WINDOW_S = 0.025
NFFT = 512
BANDS = 26
CONTEXT = 3           # frames either side
QUIET_DB = 30.0       # this far below the clip's loudest frame: silence, lips closed
SILENT_DBFS = -55.0   # and any frame this quiet
CLASSES = ("half", "open", "wide", "round")
PRIOR_FRAMES = 100    # how many frames the calibration voice's cepstral mean weighs


@functools.lru_cache(maxsize=1)
def _filterbank() -> np.ndarray:
    def mel(f):
        return 2595 * np.log10(1 + f / 700)

    def hertz(m):
        return 700 * (10 ** (m / 2595) - 1)

    points = hertz(np.linspace(mel(80.0), mel(7600.0), BANDS + 2))
    bins = np.floor((NFFT + 1) * points / RATE).astype(int)
    bank = np.zeros((BANDS, NFFT // 2 + 1))
    for i in range(BANDS):
        low, middle, high = bins[i], bins[i + 1], bins[i + 2]
        bank[i, low:middle] = (np.arange(low, middle) - low) / max(middle - low, 1)
        bank[i, middle:high] = (high - np.arange(middle, high)) / max(high - middle, 1)
    return bank


@functools.lru_cache(maxsize=1)
def _dct() -> np.ndarray:
    k = np.arange(BANDS)
    return np.cos(np.pi / BANDS * (k[None, :] + 0.5) * np.arange(13)[:, None])


def mfcc(samples: np.ndarray, rate: int = RATE) -> tuple[np.ndarray, np.ndarray]:
    """(13 cepstral coefficients, level in dB) per HOP_S frame of mono int16
    ``samples``, no mean removed; a frame quieter than SILENT_DBFS has level
    -inf. bench/calibrate_vowels.py fits the calibration voice's mean to these."""
    x = np.asarray(samples, dtype=np.float64).ravel() / 32768.0
    if rate != RATE:
        from engine.speech.voices.dsp import resample  # a leaf module: no cycle
        x = resample(x, rate, RATE)
    if not len(x):
        return np.zeros((0, 13)), np.zeros(0)
    x = np.append(x[0], x[1:] - 0.97 * x[:-1])
    hop, window = round(HOP_S * RATE), round(WINDOW_S * RATE)
    count = max(1, int(np.ceil(len(x) / hop)))
    padded = np.pad(x, (window // 2, window + hop))
    index = np.arange(window)[None, :] + (np.arange(count) * hop)[:, None]
    power = np.abs(np.fft.rfft(padded[index] * np.hamming(window), NFFT)) ** 2
    level = 10 * np.log10(power.sum(axis=1) + 1e-12)
    # Quieter than SILENT_DBFS is silence whatever the clip's peak: an all-silent clip is all closed.
    raw = np.pad(np.asarray(samples, dtype=np.float64).ravel() / 32768.0 if rate == RATE else x,
                 (window // 2, window + hop))[index]
    level = np.where(np.sqrt((raw ** 2).mean(axis=1)) < 10 ** (SILENT_DBFS / 20), -np.inf, level)
    return np.log(power @ _filterbank().T + 1e-10) @ _dct().T, level


def frame_features(samples: np.ndarray, rate: int = RATE) -> tuple[np.ndarray, np.ndarray]:
    """(features per frame, level in dB per frame) of mono int16 ``samples``."""
    cepstra, level = mfcc(samples, rate)
    if not len(level):
        return np.zeros((0, 13 * (2 * CONTEXT + 1))), level
    top = level.max() if np.isfinite(level.max()) else 0.0
    voiced = level > top - QUIET_DB
    # The clip's own mean, leaning on the calibration voice's for a short clip
    # (a lone held "ah" has no other vowels to be told apart from).
    prior = _prior_mean()
    count = int(voiced.sum())
    own = cepstra[voiced].mean(axis=0) if count else prior
    cepstra = cepstra - (count * own + PRIOR_FRAMES * prior) / (count + PRIOR_FRAMES)
    frame = np.hstack([cepstra[:, 1:13], np.maximum(level - top, -60.0)[:, None] / 10])
    stacked = [frame]
    for k in range(1, CONTEXT + 1):
        stacked.append(np.vstack([np.repeat(frame[:1], k, axis=0), frame[:-k]]))
        stacked.append(np.vstack([frame[k:], np.repeat(frame[-1:], k, axis=0)]))
    return np.hstack(stacked), level


def _prior_mean() -> np.ndarray:
    profiles = _profiles()
    return profiles["cepstral_mean"] if profiles is not None and "cepstral_mean" in profiles else np.zeros(13)


def reload_profiles() -> None:
    """Read PROFILES again at the next estimate (bench/calibrate_vowels.py rewrites it)."""
    _profiles.cache_clear()


@functools.lru_cache(maxsize=1)
def _profiles() -> dict[str, np.ndarray] | None:
    try:
        with np.load(PROFILES) as data:
            return {key: data[key] for key in data.files}
    except (OSError, ValueError):
        return None


def estimate_shapes(samples: np.ndarray, rate: int = RATE) -> list[str]:
    """One mouth shape per HOP_S frame of ``samples``."""
    profiles = _profiles()
    features, level = frame_features(samples, rate)
    if profiles is None or not len(level):
        return ["closed"] * len(level)
    x = (features - profiles["mean"]) / profiles["scale"]
    hidden = np.maximum(0.0, x @ profiles["w1"] + profiles["b1"])
    best = (hidden @ profiles["w2"] + profiles["b2"]).argmax(axis=1)
    # a 3-frame majority: one stray frame is not a mouth movement
    smoothed = best.copy()
    for i in range(1, len(best) - 1):
        window = best[i - 1:i + 2]
        values, counts = np.unique(window, return_counts=True)
        if counts.max() > 1:
            smoothed[i] = values[counts.argmax()]
    quiet = ~(level > level.max() - QUIET_DB)
    return ["closed" if quiet[i] else CLASSES[smoothed[i]] for i in range(len(level))]


def estimate_track(samples: np.ndarray, rate: int = RATE) -> VisemeTrack | None:
    """A VisemeTrack from the audio alone; None when no profiles are installed."""
    if _profiles() is None:
        return None
    shapes = estimate_shapes(samples, rate)
    starts: list[float] = []
    kept: list[str] = []
    for i, shape in enumerate(shapes):
        if not kept or kept[-1] != shape:
            starts.append(round(max(0.0, (i - 0.5) * HOP_S), 6))  # frame i spans its centre ± half a hop
            kept.append(shape)
    return VisemeTrack(tuple(starts), tuple(kept), tuple(f"~{shape}" for shape in kept))


def clip_with_estimated_visemes(samples: np.ndarray, rate: int) -> AudioClip:
    return clip_from_samples(samples, rate, estimate_track(samples, rate))


def agreement(estimated: VisemeTrack, reference: VisemeTrack, levels_db: np.ndarray) -> tuple[int, int]:
    """(frames that agree, frames compared): the voiced frames (within
    QUIET_DB of the loudest) where ``reference`` shows a vowel or consonant
    shape. Its closed frames (pauses, m/b/p) are left out: lips meeting is
    not in a vowel's spectrum, and silence is judged by level alone."""
    agree = compared = 0
    loud = levels_db > levels_db.max() - QUIET_DB if len(levels_db) else np.zeros(0, bool)
    for i in np.flatnonzero(loud):
        at = i * HOP_S  # frame i is centred here
        want = reference.at(at)
        if want in (None, "closed"):
            continue
        compared += 1
        agree += estimated.at(at) == want
    return agree, compared


__all__ = ["agreement", "clip_with_estimated_visemes", "estimate_shapes", "estimate_track", "frame_features"]

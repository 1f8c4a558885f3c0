"""A sentence's audio and its loudness envelope, the mouth's source of truth.

The envelope holds one value in 0..1 per 10 ms step. It comes from the real
samples when we have them, or from the text when we must speak silently (no
audio device, no espeak-ng, a synthesis fault), so that the mouth is driven the
same way in both cases and never freezes.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from engine.speech.visemes import VisemeTrack
from engine.vocabulary import AUDIO_RATE, is_wide

STEP_S = 0.010
# Below QUIET_DB the mouth is shut; at LOUD_DB and above it is wide open.
QUIET_DB = -40.0
LOUD_DB = -14.0


@dataclass(frozen=True)
class AudioClip:
    samples: np.ndarray | None  # mono int16, or None when mimed silently
    sample_rate: int
    envelope: np.ndarray        # float32, 0..1, one value per STEP_S
    duration_s: float
    visemes: VisemeTrack | None = None  # mouth shapes from the voice's phoneme events, when it gives them
    words: tuple[tuple[float, int], ...] = ()  # (start, characters of the text up to that word's end)

    @property
    def audible(self) -> bool:
        return self.samples is not None

    def level_at(self, position_s: float) -> float:
        """Envelope value at a playback position; 0 outside the clip."""
        index = int(position_s / STEP_S)
        if position_s < 0 or index >= len(self.envelope):
            return 0.0
        return float(self.envelope[index])

    def revealed(self, position_s: float, length: int) -> int:
        """Karaoke: how many characters of the text have been spoken by
        ``position_s`` — to the end of the word sounding, or in proportion to
        time when the voice gave no word positions."""
        if position_s >= self.duration_s:
            return length
        if not self.words:
            return min(length, max(0, round(length * position_s / max(self.duration_s, 1e-6))))
        shown = 0
        for start, end in self.words:
            if start > position_s:
                break
            shown = end
        return min(length, shown)

    def viseme_at(self, position_s: float) -> str | None:
        if self.visemes is None or position_s < 0 or position_s >= self.duration_s:
            return None
        return self.visemes.at(position_s)

    def peak_dbfs(self) -> float:
        if self.samples is None or not len(self.samples):
            return -np.inf
        peak = int(np.max(np.abs(self.samples.astype(np.int32))))
        return 20 * np.log10(max(peak, 1) / 32768)


def rms_dbfs(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """RMS level in dBFS for each STEP_S of mono int16 samples.

    Windows start at exact multiples of STEP_S (220.5 samples at 22050 Hz), so
    the envelope never drifts from the audio over a long sentence.
    """
    samples_per_step = sample_rate * STEP_S
    count = max(1, int(np.ceil(len(samples) / samples_per_step - 1e-9)))
    starts = np.minimum(np.round(np.arange(count) * samples_per_step).astype(np.int64), max(len(samples) - 1, 0))
    squares = (samples.astype(np.float64) / 32768.0) ** 2
    if not len(squares):
        return np.full(count, -120.0)
    sums = np.add.reduceat(squares, starts)
    lengths = np.diff(np.append(starts, len(squares)))
    rms = np.sqrt(sums / np.maximum(lengths, 1))
    return 20 * np.log10(np.maximum(rms, 1e-6))


def clip_from_samples(samples: np.ndarray, sample_rate: int, visemes: VisemeTrack | None = None,
                      words: tuple[tuple[float, int], ...] = ()) -> AudioClip:
    samples = np.ascontiguousarray(samples, dtype=np.int16)
    levels = rms_dbfs(samples, sample_rate)
    envelope = np.clip((levels - QUIET_DB) / (LOUD_DB - QUIET_DB), 0.0, 1.0).astype(np.float32)
    return AudioClip(samples, sample_rate, envelope, len(samples) / sample_rate, visemes, words)


def clip_from_text(text: str, words_per_minute: int) -> AudioClip:
    """A silent clip whose envelope mimes the text at the voice's speed.

    Vowels open the mouth, consonants half open it, spaces and punctuation
    close it; each character dips at its end so the mouth visibly moves.
    """
    latin_char_s = 60.0 / (words_per_minute * 6.0)   # ~6 characters a word with the space
    cjk_char_s = latin_char_s * 2.2                    # a kana or kanji is about a mora
    values: list[float] = [0.0] * 5
    for char in text:
        if is_wide(char):
            seconds, level = cjk_char_s, (0.0 if unicodedata.category(char).startswith("P") else 0.9)
        elif char.isspace() or not char.isalnum():
            seconds, level = latin_char_s * (4 if char in ".!?;:" else 1), 0.0
        else:
            seconds, level = latin_char_s, (0.9 if char.lower() in "aeiouy" else 0.45)
        steps = max(2, int(round(seconds / STEP_S)))
        shut = max(1, steps // 4)
        values.extend([level] * (steps - shut) + [level * 0.3] * shut)
    values.extend([0.0] * 10)
    envelope = np.asarray(values, dtype=np.float32)
    return AudioClip(None, AUDIO_RATE, envelope, len(envelope) * STEP_S)

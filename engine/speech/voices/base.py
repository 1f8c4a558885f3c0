"""What every voice engine is: text in, an AudioClip at AUDIO_RATE out.

An engine that cannot speak a sentence raises SynthesisError with a message a
streamer can act on; the chain in ``chain.py`` then tries the next engine and,
when none is left, the worker mimes the sentence.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from engine.speech.clip import AudioClip


class SynthesisError(Exception):
    """One sentence (or a whole engine) could not be synthesised; says why."""


class Synthesizer(Protocol):
    def synthesize(self, text: str) -> AudioClip: ...


@dataclass(frozen=True)
class VoiceProblem:
    """A notice for the streamer: ``engine`` failed (``reason``) and
    ``fallback`` spoke instead (None: the sentence was mimed)."""

    engine: str
    reason: str
    fallback: str | None = None

    def __str__(self) -> str:
        instead = f"; {self.fallback} spoke instead" if self.fallback else ""
        return f"{self.engine}: {self.reason}{instead}"

"""What every voice engine is: text in, an AudioClip at AUDIO_RATE out.

An engine that cannot speak a sentence raises SynthesisError with a message a
streamer can act on; the chain in ``chain.py`` then tries the next engine and,
when none is left, the worker mimes the sentence.
"""
from __future__ import annotations

import atexit
import contextlib
import threading
from collections.abc import Iterator
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


# ---- leaving while a voice is busy ------------------------------------------------------
# The worker is a daemon thread. If the program ends (Ctrl+C, the port in use)
# while it is inside onnxruntime (loading piper's or Kokoro's model, or
# synthesising), the interpreter's teardown under it aborts the process
# ("std::bad_alloc", exit -6) instead of exiting with its own code. So exit
# waits, boundedly, for the engines' work in hand.
EXIT_WAIT_S = 10.0
_busy = threading.Condition()
_in_progress = 0


@contextlib.contextmanager
def engine_work() -> Iterator[None]:
    """Marks native engine work that the program's exit should wait for."""
    global _in_progress
    with _busy:
        _in_progress += 1
    try:
        yield
    finally:
        with _busy:
            _in_progress -= 1
            _busy.notify_all()


@atexit.register
def _wait_for_engine_work() -> None:
    with _busy:
        _busy.wait_for(lambda: _in_progress == 0, timeout=EXIT_WAIT_S)

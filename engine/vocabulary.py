"""The words every package shares, defined once: emotions, mouth shapes,
anchors, how a line is presented, the audio rate and which characters are wide.

It imports nothing from the engine, so the link, speech, stage, overlay and
settings packages may all use it without depending on one another.
"""
from __future__ import annotations

import enum
import unicodedata

EMOTIONS = ("neutral", "happy", "sad", "angry", "relaxed", "surprised")

# Every shape a mouth can take, in sheet order. A character must draw the first
# three; the last two fall back to MOUTH_FALLBACKS when it has not drawn them.
MOUTH_SHAPES = ("closed", "half", "open", "wide", "round")
REQUIRED_MOUTHS = MOUTH_SHAPES[:3]
MOUTH_FALLBACKS = {"wide": "half", "round": "half"}

EYE_STATES = ("open", "closed")

ANCHORS = ("bottom-center", "bottom-left", "bottom-right", "center", "top-left", "top-right")

AUDIO_RATE = 22050  # espeak-ng's own rate and the mixer's: every clip is at this rate


class Role(enum.Enum):
    """How a message is presented, decided by its ``role``."""

    SPEECH = "speech"      # assistant: shown and spoken
    QUESTION = "question"  # user: the viewer's line being answered, never spoken
    PANEL = "panel"        # code/output/executing/console: monospace panel
    PLAIN = "plain"        # anything else: a plain line, with a warning


def is_wide(char: str) -> bool:
    """A full-width (CJK) character: takes two columns, needs no space around it."""
    return unicodedata.east_asian_width(char) in ("W", "F")

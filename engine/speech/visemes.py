"""Mouth shapes from espeak-ng's phoneme events.

espeak-ng reports each phoneme with its position in the audio (ms). The mouth
takes five shapes: closed (m, b, p and pauses), half (most consonants), open
(a-like vowels), wide (e/i) and round (u/o/w). Loudness still decides how far
the mouth opens; the phoneme decides its shape, and the lips close for m/b/p
however loud the sound around them is.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from engine.vocabulary import MOUTH_SHAPES

SHAPES = MOUTH_SHAPES
# Lips meet at the start of m/b/p for this long, then part as the sound
# decides: long enough to be drawn in two frames at 60 fps, short enough that a
# hummed "m" does not look like silence.
BILABIAL_CLOSE_S = 0.04

_BILABIAL = {"m", "b", "p", "m-"}
_PAUSE = {"_", "_:", "_!", "_|", ""}
_ROUND = {"u", "u:", "U", "o", "o:", "O", "O:", "oU", "O@", "OI", "0", "w", "W", "U@", "u@", "Vu"}
_WIDE = {"i", "i:", "I", "i@", "I@", "e", "e:", "E", "E:", "e@", "eI", "e#", "I#", "I2", "i#", "j", "y"}
_OPEN = {"a", "a:", "A", "A:", "A@", "aa", "a#", "aI", "aU", "aI@", "aU@", "V", "@", "@2", "@5", "3", "3:",
         "&", "0#", "a2", "@L", "@r"}


def shape_of(phoneme: str) -> str:
    """The mouth shape for one espeak-ng phoneme mnemonic (English and most
    European voices share these)."""
    name = phoneme.strip("'\",%=")
    if name in _PAUSE:
        return "closed"
    if name in _BILABIAL:
        return "closed"
    if name in _ROUND:
        return "round"
    if name in _WIDE:
        return "wide"
    if name in _OPEN:
        return "open"
    base = name.rstrip(":#;0123456789")
    if base and base[0] in "aAV@3&":
        return "open"
    if base and base[0] in "eEiIy":
        return "wide"
    if base and base[0] in "oOuUw":
        return "round"
    return "half"


@dataclass(frozen=True)
class VisemeTrack:
    """Shapes over time: ``starts`` in seconds, ascending, one shape each;
    ``bilabial`` marks the m/b/p phonemes (lips must meet there)."""

    starts: tuple[float, ...]
    shapes: tuple[str, ...]
    phonemes: tuple[str, ...] = ()

    @classmethod
    def from_events(cls, events: list[tuple[float, str]]) -> VisemeTrack:
        """``events``: (start in seconds, phoneme) in any order."""
        ordered = sorted(events, key=lambda e: e[0])
        starts: list[float] = []
        shapes: list[str] = []
        phonemes: list[str] = []
        for i, (start, phoneme) in enumerate(ordered):
            starts.append(start)
            shapes.append(shape_of(phoneme))
            phonemes.append(phoneme)
            following = ordered[i + 1][0] if i + 1 < len(ordered) else None
            if is_bilabial(phoneme) and (following is None or following - start > BILABIAL_CLOSE_S):
                starts.append(start + BILABIAL_CLOSE_S)
                shapes.append("half")
                phonemes.append(phoneme + "~")  # the release of the same phoneme
        return cls(tuple(starts), tuple(shapes), tuple(phonemes))

    def at(self, position_s: float) -> str | None:
        """The shape of the phoneme sounding at ``position_s``; None before the first."""
        index = bisect.bisect_right(self.starts, position_s) - 1
        return self.shapes[index] if index >= 0 else None

    def spans(self, name_filter) -> list[tuple[float, float, str]]:
        """(start, end, phoneme) for the phonemes ``name_filter`` accepts,
        their releases (``phoneme~``) counted as part of them."""
        out = []
        for i, phoneme in enumerate(self.phonemes):
            if phoneme.endswith("~") or not name_filter(phoneme):
                continue
            j = i + 1
            while j < len(self.phonemes) and self.phonemes[j] == phoneme + "~":
                j += 1
            end = self.starts[j] if j < len(self.starts) else self.starts[i] + 0.08
            out.append((self.starts[i], end, phoneme))
        return out


def is_bilabial(phoneme: str) -> bool:
    return phoneme.strip("'\",%=") in _BILABIAL

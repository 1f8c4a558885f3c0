"""Mouth shapes from the voices' phoneme timing.

espeak-ng reports each phoneme with its position in the audio (ms); piper's
alignments give each IPA phoneme's length in samples; VOICEVOX gives each
mora's consonant and vowel lengths. The mouth
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

    @classmethod
    def from_shapes(cls, events: list[tuple[float, str, str]]) -> VisemeTrack:
        """``events``: (start in seconds, phoneme, shape), ascending; bilabials
        close for BILABIAL_CLOSE_S and then part, as in ``from_events``."""
        starts: list[float] = []
        shapes: list[str] = []
        phonemes: list[str] = []
        for i, (start, phoneme, shape) in enumerate(events):
            starts.append(start)
            shapes.append(shape)
            phonemes.append(phoneme)
            following = events[i + 1][0] if i + 1 < len(events) else None
            if is_bilabial(phoneme) and (following is None or following - start > BILABIAL_CLOSE_S):
                starts.append(start + BILABIAL_CLOSE_S)
                shapes.append("half")
                phonemes.append(phoneme + "~")
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
    return phoneme.strip("'\",%=") in _BILABIAL or phoneme in _IPA_BILABIAL


# ---- IPA (piper's phonemes, from espeak-ng's IPA output) ------------------------------

_IPA_BILABIAL = {"m", "b", "p", "ɱ"}
_IPA_OPEN = set("aɑɐæʌɒɶ")
# Reduced vowels (the schwa of "about", "better"): the jaw barely moves.
_IPA_REDUCED = set("əɜɚɝᵻ")
_IPA_WIDE = set("eɛiɪjyʏøœɘɨ")
_IPA_ROUND = set("oɔuʊwɵʉɯɤ")
_IPA_PAUSE = set(" ^$_.,;:!?…—-\"'()")
_IPA_MODIFIERS = set("ˈˌːˑ̃ʰʲʷ̩̯")  # stress, length, nasal, aspiration...: no shape of their own


def shape_of_ipa(phoneme: str) -> str:
    """The mouth shape for one IPA symbol as piper emits it."""
    if phoneme in _IPA_BILABIAL or phoneme in _IPA_PAUSE or not phoneme:
        return "closed"
    base = phoneme[0]
    if base in _IPA_REDUCED:
        return "half"
    if base in _IPA_OPEN:
        return "open"
    if base in _IPA_WIDE:
        return "wide"
    if base in _IPA_ROUND:
        return "round"
    return "half"


def track_from_durations(phonemes: list[tuple[str, float]], rate: int) -> VisemeTrack:
    """A track from IPA phonemes with their lengths in samples at ``rate``
    (piper's alignments), in order from the start of the audio.

    Stress marks take the shape of the phoneme they precede, length marks
    that of the one they follow, and a word gap keeps the shape before it
    (the voice runs on across it); punctuation and the start and end marks
    (^ $) are pauses: closed.
    """
    events: list[tuple[float, str, str]] = []
    position = 0.0
    pending_stress: list[float] = []
    for phoneme, samples in phonemes:
        start = position / rate
        position += float(samples)
        if phoneme in _IPA_MODIFIERS:
            if phoneme in "ˈˌ":
                pending_stress.append(start)
            continue  # a length mark: the previous shape simply lasts longer
        if phoneme == " " and events:
            continue
        begin = pending_stress[0] if pending_stress else start
        pending_stress = []
        events.append((begin, phoneme, shape_of_ipa(phoneme)))
    return VisemeTrack.from_shapes(events)

